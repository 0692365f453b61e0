"""Whether a pending cancellation may still break a task's wait.

A task stuck in a lock cycle is not stuck for good if a timer will cancel it: `asyncio.timeout()`
(and `wait_for` on 3.12+, which uses it) schedules a handle that cancels its task; `wait_for` on 3.11
runs the awaited coroutine in an inner task and cancels that one when its timer fires. Cancelling
a task also cancels the task or gather it awaits. A task with a cancel request not yet delivered
will be woken too.

Anything else that can still run may cancel too: any timer (`loop.call_later(t, task.cancel)`,
the timeout of `asyncio.wait(..., timeout=)` that wakes a caller who then cancels what is pending,
a TaskGroup sibling that sleeps and then fails), a ready callback or task, I/O on a registered fd,
executor work in flight, a Python signal handler, or another thread that can act
(`call_soon_threadsafe(task.cancel)`). While any of those exists no cycle is claimed at once;
quiescence, or the timeout, still decide.
"""
import asyncio
import asyncio.tasks
import asyncio.timeouts

from . import executors, stuck

_WAIT_FOR_CODE = asyncio.tasks.wait_for.__code__


def may_be_cancelled(tasks, loop):
    """True when any of `tasks` has a cancellation on its way (pending request or a live timer), or
    something that could still decide to cancel one exists (any live timer, a Python signal
    handler, another thread that can act)."""
    if _others_may_run(loop) or stuck.has_signal_handlers() or not stuck.others_cannot_act_now():
        return True
    doomed = _timer_targets(loop)
    for task in _all_tasks(loop):
        if getattr(task, "_must_cancel", False):
            doomed.add(task)
        doomed.update(_wait_for_targets(task))
    # Cancellation flows from a task into the task or gather it awaits.
    pending = list(doomed)
    while pending:
        t = pending.pop()
        waiter = getattr(t, "_fut_waiter", None)
        for inner in _futures_under(waiter):
            if inner not in doomed:
                doomed.add(inner)
                pending.append(inner)
    return any(t in doomed for t in tasks)


def _others_may_run(loop):
    """True when something besides the cycle can still run on `loop` (and decide to cancel): a
    live timer, a ready callback, an fd other than the loop's self-pipe, executor work in flight."""
    if any(not h.cancelled() for h in list(getattr(loop, "_scheduled", ()))):
        return True
    if any(not h.cancelled() for h in list(getattr(loop, "_ready", ()))):
        return True
    if executors.in_flight():
        return True
    selector = getattr(loop, "_selector", None)
    ssock = getattr(loop, "_ssock", None)
    if selector is None or ssock is None:
        return True
    return any(key.fd != ssock.fileno() for key in selector.get_map().values())


def _all_tasks(loop):
    try:
        return list(asyncio.all_tasks(loop))
    except RuntimeError:
        return []


def _timer_targets(loop):
    """Tasks that a scheduled asyncio.timeout() handle will cancel."""
    targets = set()
    for handle in list(getattr(loop, "_scheduled", ())):
        if handle.cancelled():
            continue
        owner = getattr(handle._callback, "__self__", None)
        if isinstance(owner, asyncio.timeouts.Timeout):
            task = getattr(owner, "_task", None)
            if task is not None:
                targets.add(task)
    return targets


def _wait_for_targets(task):
    """Futures that a `wait_for(..., timeout)` in `task`'s await chain cancels on timeout (3.11)."""
    out = set()
    coro = task.get_coro()
    seen = 0
    while coro is not None and seen < 200:
        seen += 1
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        if frame.f_code is _WAIT_FOR_CODE:
            local = frame.f_locals
            if local.get("timeout") is not None and isinstance(local.get("fut"), asyncio.Future):
                out.add(local["fut"])
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return out


def _futures_under(fut):
    """The task itself, or the children of a gather, that cancelling `fut` cancels too."""
    if fut is None:
        return []
    if isinstance(fut, asyncio.Task):
        return [fut]
    children = getattr(fut, "_children", None)
    if children:
        return [c for c in children if isinstance(c, asyncio.Future)]
    return []

