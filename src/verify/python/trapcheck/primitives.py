"""Where every other waitable was created, who uses it, and threads parked on a Condition.

Locks have their own modules (asyncio_locks, thread_locks). This one records, cheaply:
- the creation site of asyncio Event/Condition/Semaphore/Queue, threading Event/Semaphore/Barrier,
  queue.Queue and ThreadPoolExecutor (`_tc_site`, named only in a witness; a threading.Condition
  is named from the tracked lock it is over);
- for queues, the last few agents that put into or took from them (who could fill or drain them);
- for conditions, notifications sent while no one waited (a lost wakeup) and who notifies;
- threads parked in threading.Condition.wait() without a timeout (`waitgraph.cond_waits`), the
  wait underneath Event.wait, Semaphore.acquire, Barrier.wait, queue.Queue.get/put/join and
  concurrent.futures.Future.result(); a parked thread whose waiter lock is still locked has not
  been notified, so only another thread (or a signal handler) could ever wake it;
- futures of asyncio.run_coroutine_threadsafe (`_tc_loop`: the loop that completes them).
Executor futures carry their executor, job and runner (executors.py); the asyncio future of
run_in_executor / to_thread is linked to its executor future only when a witness is built.
"""
import _thread
import asyncio
import asyncio.locks
import asyncio.queues
import asyncio.futures
import asyncio.tasks
import concurrent.futures
import os
import queue
import sys
import threading

from . import frames, rebind, waitgraph

USERS_KEPT = 8

_allocate = _thread.allocate_lock
_get_running_loop = asyncio.events._get_running_loop
_task_of_loop = waitgraph.task_of_loop
_creation_site = frames.creation_site


_SKIP_DIRS = (os.path.dirname(concurrent.futures.__file__) + os.sep, os.path.dirname(asyncio.__file__) + os.sep)


#: threading.Condition with the standard library's own wait and notify, made at import, before
#: install() replaces them on threading.Condition (for a Thread's own _started Event).
_StdCondition = type(
    "Condition", (threading.Condition,), {"wait": threading.Condition.wait, "notify": threading.Condition.notify, "__module__": "threading"}
)


#: threading.Condition with the standard library's own notify and the instrumented wait: for a
#: condition over an untracked lock, whose notifies primitives' notify would pass straight through.
_PlainNotifyCondition = type("Condition", (threading.Condition,), {"notify": threading.Condition.notify, "__module__": "threading"})


def _site_init(cls, keep_value=False, conditions=()):
    """Wraps `cls.__init__` to record where each instance was made (`_tc_site`). The threading
    Conditions named in `conditions` (attributes of the instance) that are over an untracked lock
    get threading's own notify: the answer of notify's per-call test, taken once (a pool's idle
    semaphore is released after every job)."""
    orig = cls.__init__

    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        caller = sys._getframe(1)
        for attr in conditions:
            cond = getattr(self, attr, None)
            if type(cond) is threading.Condition and getattr(cond._lock, "_rec", None) is None:
                cond.__class__ = _PlainNotifyCondition
        # Made by concurrent.futures or asyncio themselves (a Future's condition, a pool's
        # bookkeeping): created by the thousand, never named in a witness by their site.
        while caller is not None and caller.f_code.co_name == "__init__" and frames.is_stdlib(caller.f_code.co_filename):
            caller = caller.f_back  # a subclass's __init__ (BoundedSemaphore, LifoQueue): look past it
        if caller is None or caller.f_code.co_filename.startswith(_SKIP_DIRS):
            return
        try:
            self._tc_site = _creation_site(sys._getframe(1))
            if keep_value:  # a semaphore's initial permits
                self._tc_initial = self._value
        except Exception:
            pass

    __init__.__name__, __init__.__qualname__, __init__.__doc__ = orig.__name__, orig.__qualname__, orig.__doc__
    cls.__init__ = __init__


def _remember(obj, attr, agent):
    users = getattr(obj, attr, None)
    if users is None:
        users = []
        setattr(obj, attr, users)
    if agent not in users:
        users.append(agent)
        if len(users) > USERS_KEPT:
            del users[0]


def _asyncio_agent():
    loop = _get_running_loop()
    return _task_of_loop(loop) if loop is not None else None


def _wrap_use(cls, method, attr, agent_of):
    orig = getattr(cls, method)

    def wrapper(self, *args, **kwargs):
        try:
            agent = agent_of()
            if agent is not None:
                _remember(self, attr, agent)
        except Exception:
            pass
        return orig(self, *args, **kwargs)

    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = orig.__name__, orig.__qualname__, orig.__doc__
    setattr(cls, method, wrapper)


def _count_lost(cls, agent_of, tracked_only=False):
    orig = cls.notify

    def notify(self, n=1):
        # A threading.Condition over an untracked lock (a Future's, a pool's) is never named.
        if tracked_only and getattr(self._lock, "_rec", None) is None:
            return orig(self, n)
        try:
            if not self._waiters:
                self._tc_lost = getattr(self, "_tc_lost", 0) + 1
            agent = agent_of()
            if agent is not None:
                _remember(self, "_tc_notifiers", agent)
        except Exception:
            pass
        waitgraph.note_event()
        return orig(self, n)

    notify.__name__, notify.__qualname__, notify.__doc__ = orig.__name__, orig.__qualname__, orig.__doc__
    notify.__wrapped__ = orig
    cls.notify = notify


class CondWait(tuple):
    """A thread parked in Condition.wait() with no timeout: (cond, waiter, frame, loop), made
    with `tuple.__new__` (one C call: every parking thread of a Barrier makes one)."""

    __slots__ = ()
    cond = property(lambda self: self[0])
    #: The lock the thread blocks on, released by the notify that wakes it.
    waiter = property(lambda self: self[1])
    #: The caller of Condition.wait (Event.wait, Queue.get, Future.result or the snippet).
    frame = property(lambda self: self[2])
    #: The event loop running on the parked thread, if any.
    loop = property(lambda self: self[3])

    def parked(self):
        """True while no notify has reached this waiter."""
        return self[1].locked()


def _install_thread_started_event():
    """A Thread's own _started Event: one per thread, never a resource of the snippet, and never
    part of a proof (its thread is in threading._limbo until it sets it, and no proof is made
    then). Thread.__init__ makes it as an Event of threading's own, over a plain lock and with the
    standard library's own wait and notify, without the site wrapper every other Event gets."""
    event_init = rebind.with_globals(threading.Event.__init__, Condition=_StdCondition, Lock=_thread.allocate_lock)
    started = type("Event", (threading.Event,), {"__init__": event_init, "__module__": "threading", "__slots__": ()})
    threading.Thread.__init__ = rebind.with_globals(threading.Thread.__init__, Event=started)


def _install_condition_wait():
    cond_waits = waitgraph.cond_waits
    agent_of = waitgraph.current_thread_agent
    note_event = waitgraph.note_event
    new_cond_wait = tuple.__new__

    def wait(self, timeout=None):
        # threading.Condition.wait (CPython 3.11-3.13), parking the thread in cond_waits while it
        # waits without a timeout for a notify.
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        waiter = _allocate()
        waiter.acquire()
        self._waiters.append(waiter)
        saved_state = self._release_save()
        gotit = False
        try:  # restore state no matter what (e.g., KeyboardInterrupt)
            if timeout is None:
                # Without the graph mutex (a Barrier's notify_all wakes every waiter at once, and
                # each would queue for it). Whether a thread is parked is read from its waiter
                # lock, which only a notify releases: an entry added before the thread blocks or
                # removed after it wakes never makes a running thread look parked. Parking needs
                # no event of its own: it changes the set of parked threads, which the watchdog's
                # two samples compare. Leaving notes one (a thread may leave and park again
                # between two samples). (Thread.start() waits for its new thread on a Condition
                # that keeps the standard library's wait: see _install_thread_started_event.)
                agent = agent_of()
                cond_waits[agent] = new_cond_wait(CondWait, (self, waiter, sys._getframe(1), _get_running_loop()))
                try:
                    waiter.acquire()
                finally:
                    cond_waits.pop(agent, None)
                    note_event()
                gotit = True
            elif timeout > 0:
                gotit = waiter.acquire(True, timeout)
            else:
                gotit = waiter.acquire(False)
            return gotit
        finally:
            self._acquire_restore(saved_state)
            if not gotit:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    orig = threading.Condition.wait
    wait.__name__, wait.__qualname__, wait.__doc__ = orig.__name__, orig.__qualname__, orig.__doc__
    threading.Condition.wait = wait


def _install_run_coroutine_threadsafe():
    orig = asyncio.run_coroutine_threadsafe

    def run_coroutine_threadsafe(coro, loop):
        fut = orig(coro, loop)
        try:
            fut._tc_loop = loop
            fut._tc_fn = coro
        except Exception:
            pass
        return fut

    run_coroutine_threadsafe.__name__ = orig.__name__
    run_coroutine_threadsafe.__qualname__ = orig.__qualname__
    run_coroutine_threadsafe.__doc__ = orig.__doc__
    asyncio.run_coroutine_threadsafe = run_coroutine_threadsafe
    asyncio.tasks.run_coroutine_threadsafe = run_coroutine_threadsafe


def function_name(func):
    """`read_cache` for read_cache, for partial(read_cache) and for to_thread's partial(ctx.run, read_cache)."""
    import functools

    for _ in range(5):
        if not isinstance(func, functools.partial):
            break
        inner = func.func
        func = func.args[0] if getattr(inner, "__name__", "") == "run" and func.args else inner
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None)


def executor_source(fut):
    """The concurrent.futures.Future behind an asyncio future of run_in_executor / to_thread
    (asyncio chains the two with a done-callback that refers to it), or None. Witness time only."""
    for cb, _ctx in list(getattr(fut, "_callbacks", None) or ()):
        for cell in getattr(cb, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, concurrent.futures.Future):
                return value
    return None


def install():
    """Instruments the primitives above (those created from now on get a creation site)."""
    # threading.Condition needs no wrapper: it makes (or is given) a tracked lock, whose creation
    # site is the snippet's line (see witness._site_of). Event, Semaphore, Barrier and queue.Queue
    # guard their state with a plain lock (thread_locks._PRIMITIVE_INITS), so they get a site.
    for cls in (asyncio.locks.Event, asyncio.locks.Condition, asyncio.queues.Queue, concurrent.futures.ThreadPoolExecutor):
        _site_init(cls)
    _install_thread_started_event()  # before Event's own __init__ is wrapped
    for cls in (threading.Event, threading.Barrier):
        _site_init(cls, conditions=("_cond",))
    _site_init(queue.Queue, conditions=("not_empty", "not_full", "all_tasks_done"))
    _site_init(asyncio.locks.Semaphore, keep_value=True)
    _site_init(threading.Semaphore, keep_value=True, conditions=("_cond",))
    _wrap_use(asyncio.queues.Queue, "put_nowait", "_tc_producers", _asyncio_agent)
    _wrap_use(asyncio.queues.Queue, "get_nowait", "_tc_consumers", _asyncio_agent)
    _wrap_use(queue.Queue, "put", "_tc_producers", waitgraph.current_thread_agent)
    _wrap_use(queue.Queue, "get", "_tc_consumers", waitgraph.current_thread_agent)
    _count_lost(asyncio.locks.Condition, _asyncio_agent)
    _count_lost(threading.Condition, waitgraph.current_thread_agent, tracked_only=True)
    _install_condition_wait()
    _install_run_coroutine_threadsafe()
