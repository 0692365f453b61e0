"""What a task or thread is waiting on, read from where it stands: the resource, its kind and type,
the operation, and who could wake it. Read only when a witness is built, never on the hot path.

An asyncio task's await chain ends in the primitive's own coroutine (`Event.wait`, `Queue.put`,
`Condition.wait`, `Semaphore.acquire`, `TaskGroup.__aexit__`, `asyncio.wait`'s `_wait`) whose
`self` is the resource; else the task awaits a task, a gather or a plain future (`_fut_waiter`).
A thread parked in Condition.wait() (primitives.CondWait) is classified by the outermost standard
library function above that wait (`Queue.get`, `Event.wait`, `Future.result`, `Barrier.wait`…).
"""
import asyncio

from . import frames

# (module path as shown, qualname) -> (kind, type, op)
_ASYNCIO = {
    ("asyncio/locks.py", "Event.wait"): ("event", "asyncio.Event", "wait"),
    ("asyncio/locks.py", "Condition.wait"): ("condition", "asyncio.Condition", "wait"),
    ("asyncio/locks.py", "Semaphore.acquire"): ("semaphore", "asyncio.Semaphore", "acquire"),
    ("asyncio/queues.py", "Queue.get"): ("queue", "asyncio.Queue", "get"),
    ("asyncio/queues.py", "Queue.put"): ("queue", "asyncio.Queue", "put"),
    ("asyncio/queues.py", "Queue.join"): ("queue", "asyncio.Queue", "join"),
    ("asyncio/taskgroups.py", "TaskGroup.__aexit__"): ("task", "asyncio.TaskGroup", "result"),
    ("asyncio/tasks.py", "_wait"): ("task", "asyncio.wait", "result"),
}

_THREADS = {
    ("threading.py", "Event.wait"): ("event", "threading.Event", "wait"),
    ("threading.py", "Semaphore.acquire"): ("semaphore", "threading.Semaphore", "acquire"),
    ("threading.py", "Barrier.wait"): ("barrier", "threading.Barrier", "wait"),
    ("queue.py", "Queue.get"): ("queue", "queue.Queue", "get"),
    ("queue.py", "Queue.put"): ("queue", "queue.Queue", "put"),
    ("queue.py", "Queue.join"): ("queue", "queue.Queue", "join"),
    ("concurrent/futures/_base.py", "Future.result"): ("future", "concurrent.futures.Future", "result"),
    ("concurrent/futures/_base.py", "Future.exception"): ("future", "concurrent.futures.Future", "result"),
    ("concurrent/futures/_base.py", "wait"): ("future", "concurrent.futures.wait", "result"),
    ("concurrent/futures/_base.py", "as_completed"): ("future", "concurrent.futures.as_completed", "result"),
}


class Wait:
    """One wait: `obj` (the resource object, or None), its kind/type, the waiter's op, and where."""

    __slots__ = ("obj", "kind", "type", "op", "frame")

    def __init__(self, obj, kind, type_, op, frame=None):
        self.obj = obj
        self.kind = kind
        self.type = type_
        self.op = op
        self.frame = frame


def _key(code):
    return (frames.display_path(code.co_filename), code.co_qualname)


def _type_of(obj, default):
    cls = type(obj)
    module = cls.__module__
    if module.startswith("asyncio"):
        module = "asyncio"
    return f"{module}.{cls.__qualname__}" if obj is not None else default


def task_wait(task):
    """The Wait of a suspended asyncio task that is not inside a tracked Lock.acquire, or None."""
    coro = task.get_coro()
    innermost = None
    seen = 0
    while coro is not None and seen < 200:
        seen += 1
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or getattr(coro, "ag_frame", None)
        if frame is None:
            break
        innermost = frame
        match = _ASYNCIO.get(_key(frame.f_code))
        if match is not None:
            kind, type_, op = match
            local = frame.f_locals
            if type_ == "asyncio.wait":
                return Wait(list(local.get("fs") or ()), kind, type_, op, frame)
            obj = local.get("self")
            return Wait(obj, kind, _type_of(obj, type_), op, frame)
        nxt = getattr(coro, "cr_await", None)
        if nxt is None:
            nxt = getattr(coro, "gi_yieldfrom", None)
        if nxt is None:
            nxt = getattr(coro, "ag_await", None)
        coro = nxt
    waiter = getattr(task, "_fut_waiter", None)
    if waiter is None or waiter.done():
        return None
    if isinstance(waiter, asyncio.Task):
        return Wait(waiter, "task", "asyncio.Task", "result", innermost)
    if getattr(waiter, "_children", None) is not None:
        return Wait(waiter, "task", "asyncio.gather", "result", innermost)
    return Wait(waiter, "future", "asyncio.Future", "result", innermost)


def thread_wait(cond_wait):
    """The Wait of a thread parked in Condition.wait() (a primitives.CondWait)."""
    best = None
    frame = cond_wait.frame
    while frame is not None and frames.is_stdlib(frame.f_code.co_filename):
        match = _THREADS.get(_key(frame.f_code))
        if match is not None:
            best = (match, frame)
        frame = frame.f_back
    if best is None:
        cond = cond_wait.cond
        return Wait(cond, "condition", _type_of(cond, "threading.Condition"), "wait", cond_wait.frame)
    (kind, type_, op), frame = best
    local = frame.f_locals
    if type_ in ("concurrent.futures.wait", "concurrent.futures.as_completed"):
        return Wait(list(local.get("fs") or ()), kind, type_, op, frame)
    obj = local.get("self")
    return Wait(obj, kind, _type_of(obj, type_) if kind != "future" else type_, op, frame)
