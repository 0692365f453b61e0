"""threading.Lock and threading.RLock with an owner thread, where it acquired, and its waiters.

`install()` replaces the factories `threading.Lock` / `threading.RLock` (and so every Condition,
Event, Semaphore, Queue created afterwards) with wrappers around a raw `_thread` lock. A thread
about to block forever first follows thread -> lock -> owner thread -> the lock it waits for -> ...;
if that comes back to itself (re-acquiring a non-reentrant Lock included) it reports a deadlock at
once, from the acquiring thread, before blocking. An RLock re-acquired by its owner just counts.
"""
import _thread
import asyncio.events
import concurrent.futures
import os
import queue
import sys
import threading
import types

import concurrent.futures._base

from . import frames, lockorder, report, stuck, waitgraph, witness

_allocate = _thread.allocate_lock
_RealRLock = _thread.RLock
_get_running_loop = asyncio.events._get_running_loop
_task_of_loop = waitgraph.task_of_loop
_agent = waitgraph.current_thread_agent
_live_stack = frames.live_stack
_thread_waits = waitgraph.thread_waits
_note_event = waitgraph.note_event
_lo_took = lockorder.took
_lo_wants = lockorder.wants
_lo_held = lockorder._held
_lo_released = lockorder.released




def _check_args(blocking, timeout):
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError("timeout value must be a non-negative number")


def _acquire(real, rec, agent, caller, blocking, timeout, restore=None):
    """Acquires `real` for `agent`, called from `caller`, recording the wait and the ownership;
    checks for a cycle before blocking forever. `restore` = (depth, acquired, owner_task) from
    _release_save."""
    # Everything that reads the stack is done before the real acquire, not while holding it: a
    # longer hold makes every other thread wanting the lock wait longer, and with many threads
    # (a Barrier's condition woken for all) the waits convoy. The stack is the same either way.
    stack = _live_stack(caller) if restore is None else None
    loop = _get_running_loop()
    task = _task_of_loop(loop) if loop is not None else None
    if agent in _lo_held:
        _lo_wants(agent, rec, caller)
    if real.acquire(False):
        # Every uncontended acquire of every tracked lock, so without the graph mutex. Nothing a
        # cycle search or a watchdog sample concludes can rest on this ownership: the owner has
        # just taken a free lock and is running (it waits for nothing), and whoever reads `owner`
        # before it is set reads None, which ends a chain too. Releases, which can let an owner go
        # on to wait elsewhere, stay under the mutex. The record is written before `owner`, so an
        # owner read is never paired with the previous holder's stack.
        if restore is None:
            rec.depth, rec.acquired, rec.owner_task = 1, stack, task
        else:
            rec.depth, rec.acquired, rec.owner_task = restore
        rec.owner = agent
        _note_event()
        _lo_took(agent, rec)
        return True
    if not blocking:
        return False
    forever = timeout == -1
    cycle = None
    with waitgraph.mutex:
        _thread_waits[agent] = waitgraph.ThreadWait(rec, forever, task)
        rec.waiters.append(agent)
        if forever and rec.owner is not None and not rec.tainted:
            try:
                cycle = waitgraph.find_thread_cycle(agent, rec)
                # Any thread may release a threading.Lock: a cycle through one is a proof only
                # when no other thread can act any more. Otherwise the watchdog keeps watching.
                if cycle is not None and any(r.kind == "threading.Lock" for _, r in cycle):
                    if stuck.all_threads_stuck() is None:
                        cycle = None
                # A signal interrupts the main thread's blocked acquire and runs the handler
                # there, which may raise and unwind it (a SIGALRM timeout): no proof through it.
                if cycle is not None and stuck.has_python_signal_handlers():
                    main_ident = threading.main_thread().ident
                    if any(a.ident == main_ident for a, _ in cycle):
                        cycle = None
            except Exception:
                if report.DEBUG:
                    raise
        if cycle is not None:
            _report_cycle(cycle)  # returns only when reporting is off (a forked child)
    ok = False
    try:
        ok = real.acquire(True, timeout)
    finally:
        with waitgraph.mutex:
            _thread_waits.pop(agent, None)
            try:
                rec.waiters.remove(agent)
            except ValueError:
                pass
            if ok:
                if restore is None:
                    rec.depth, rec.acquired, rec.owner_task = 1, stack, task
                else:
                    rec.depth, rec.acquired, rec.owner_task = restore
                rec.owner = agent
                _note_event()
                _lo_took(agent, rec)
    return ok


def _report_cycle(cycle):
    """Called under the mutex: builds the witness from a consistent graph and reports."""
    rep = report.REPORTER
    if rep is None or rep.disabled:
        return
    try:
        built = witness.thread_cycle(cycle, requester_frame=sys._getframe(2))
    except Exception:
        if report.DEBUG:
            raise
        built = witness.minimal("wait-cycle")
    rep.verdict("deadlock", "cycle", witness=built)


def _release(real, rec, agent):
    """Releases `real`, held by `agent` (or, for a threading.Lock, by anyone). Under the graph
    mutex: a search that read this owner must not see it go on to wait elsewhere meanwhile."""
    with waitgraph.mutex:
        owner = rec.owner
        if owner is not None:
            if owner is not agent:
                rec.tainted = True
            _lo_released(owner, rec)
        rec.owner = None
        rec.depth = 0
        rec.acquired = None
        rec.owner_task = None
        _note_event()
    real.release()


_THREADING_FILE = threading.__file__
_FUTURES_DIR = os.path.dirname(concurrent.futures.__file__) + os.sep


def _made_for_futures(frame):
    """True when the lock is being created by concurrent.futures itself (a Future's condition, a
    pool's bookkeeping): held only briefly around state changes, never around snippet code, and
    created by the thousand. Those stay plain, untracked locks."""
    while frame is not None and (frame.f_code.co_filename == _THREADING_FILE or frames.is_harness(frame.f_code.co_filename)):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(_FUTURES_DIR)


# The __init__s of the standard library's own primitives, each making the one lock it guards its
# state with: Event, Semaphore (and BoundedSemaphore), Barrier, queue.Queue (and its subclasses).
# That lock is held only inside the primitive's own short methods, which wait only in
# Condition.wait (releasing it), never around the snippet's code: it cannot be part of a deadlock
# another way than the wait it guards, and that wait is what primitives' Condition.wait records.
# A Barrier's `action`, which runs under the lock, is the snippet's code: such a Barrier keeps a
# tracked lock. Plain locks spare every set(), wait(), put() and get() two tracked acquires (a
# Barrier of a hundred threads, two hundred of them).
_PRIMITIVE_INITS = {
    threading.Event.__init__.__code__,
    threading.Semaphore.__init__.__code__,
    threading.Barrier.__init__.__code__,
    queue.Queue.__init__.__code__,
}
_BARRIER_INIT = threading.Barrier.__init__.__code__


def _is_primitive_state_lock(frame):
    """True when the lock is being made by a standard-library primitive for its own state (see
    _PRIMITIVE_INITS); such primitives are named from their own creation site (primitives.py)."""
    code = frame.f_code
    if code not in _PRIMITIVE_INITS:
        return False
    return code is not _BARRIER_INIT or frame.f_locals.get("action") is None


class Lock:
    """threading.Lock that knows its owner thread (a threading.Lock may still be released by any
    thread; once that happens it is left out of proofs)."""

    __slots__ = ("_real", "_rec", "__weakref__")

    def __new__(cls):
        caller = sys._getframe(1)
        if _is_primitive_state_lock(caller) or _made_for_futures(caller):
            return _allocate()
        return super().__new__(cls)

    def __init__(self):
        self._real = _allocate()
        self._rec = waitgraph.LockRecord("threading.Lock", frames.creation_site(sys._getframe(1)))
        waitgraph.register_thread_lock(self._rec)

    def acquire(self, blocking=True, timeout=-1):
        """As threading.Lock.acquire."""
        if timeout != -1 or not blocking:
            _check_args(blocking, timeout)
        return _acquire(self._real, self._rec, _agent(), sys._getframe(1), blocking, timeout)

    # `with lock:` calls acquire itself (one frame less on every acquire); it returns True, as
    # threading.Lock.__enter__ does.
    __enter__ = acquire

    def release(self):
        """As threading.Lock.release."""
        if not self._real.locked():
            raise RuntimeError("release unlocked lock")
        _release(self._real, self._rec, _agent())

    def locked(self):
        """As threading.Lock.locked."""
        return self._real.locked()

    def __exit__(self, *exc):
        if not self._real.locked():
            raise RuntimeError("release unlocked lock")
        _release(self._real, self._rec, _agent())

    # Used by threading.Condition, which otherwise probes a Lock with acquire(False) and release()
    # in every wait() and notify(), and re-acquires it with a plain acquire() after a wait: each a
    # tracked acquire reading the stack. These keep Condition's behaviour for a Lock (owned = held
    # by anyone) and restore where the waiter first took the lock, as RLock's do.
    def _is_owned(self):
        return self._real.locked()

    def _release_save(self):
        if not self._real.locked():
            raise RuntimeError("release unlocked lock")
        rec = self._rec
        saved = (rec.depth, rec.acquired, rec.owner_task)
        _release(self._real, rec, _agent())
        return saved

    def _acquire_restore(self, saved):
        _acquire(self._real, self._rec, _agent(), sys._getframe(1), True, -1, restore=saved)

    def _at_fork_reinit(self):
        self._real._at_fork_reinit()
        self._rec.owner = None
        self._rec.waiters.clear()

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __repr__(self):
        return f"<{'locked' if self.locked() else 'unlocked'} {type(self).__module__}.Lock object at {id(self):#x}>"


class RLock:
    """threading.RLock that knows its owner thread and depth; Condition-compatible."""

    __slots__ = ("_real", "_rec", "__weakref__")

    def __new__(cls, *args, **kwargs):
        if _made_for_futures(sys._getframe(1)):
            return _RealRLock()
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        self._real = _allocate()
        self._rec = waitgraph.LockRecord("threading.RLock", frames.creation_site(sys._getframe(1)))
        waitgraph.register_thread_lock(self._rec)

    def acquire(self, blocking=True, timeout=-1):
        """As threading.RLock.acquire: the owner re-acquires at once, one level deeper."""
        if timeout != -1 or not blocking:
            _check_args(blocking, timeout)
        agent = _agent()
        rec = self._rec
        if rec.owner is agent:
            rec.depth += 1
            return True
        return _acquire(self._real, rec, agent, sys._getframe(1), blocking, timeout)

    __enter__ = acquire  # as Lock's

    def release(self):
        """As threading.RLock.release."""
        agent = _agent()
        rec = self._rec
        if rec.owner is not agent:
            raise RuntimeError("cannot release un-acquired lock")
        if rec.depth > 1:
            rec.depth -= 1
            return
        _release(self._real, rec, agent)

    def locked(self):
        return self._real.locked()

    def __exit__(self, *exc):
        self.release()

    # Used by threading.Condition.
    def _is_owned(self):
        return self._rec.owner is _agent()

    def _release_save(self):
        agent = _agent()
        rec = self._rec
        if rec.owner is not agent:
            raise RuntimeError("cannot release un-acquired lock")
        saved = (rec.depth, rec.acquired, rec.owner_task)
        _release(self._real, rec, agent)
        return saved

    def _acquire_restore(self, saved):
        _acquire(self._real, self._rec, _agent(), sys._getframe(1), True, -1, restore=saved)

    def _recursion_count(self):
        return self._rec.depth if self._rec.owner is _agent() else 0

    def _at_fork_reinit(self):
        self._real._at_fork_reinit()
        self._rec.owner = None
        self._rec.depth = 0
        self._rec.waiters.clear()

    def __repr__(self):
        owner = self._rec.owner
        return (
            f"<{'locked' if self.locked() else 'unlocked'} {type(self).__module__}.RLock object "
            f"owner={owner.ident if owner is not None else 0} count={self._rec.depth} at {id(self):#x}>"
        )


class _FuturesThreading(types.ModuleType):
    """`threading` as concurrent.futures sees it after install(): what it locks directly (each
    Future's condition, the waiters of wait() and as_completed()) stays a plain lock, as
    _made_for_futures would decide, without walking frames for every one of thousands of
    Futures. Everything else is threading's own, looked up when used."""

    def __getattr__(self, name):
        return getattr(threading, name)


def install():
    """Makes threading.Lock() and threading.RLock() return tracked locks from now on, and
    records joins (a thread joining a stuck thread is stuck too)."""
    threading.Lock = Lock
    threading.RLock = RLock
    # A Future's condition is over a plain lock, so primitives' notify (which only counts lost
    # notifies of tracked locks) would pass straight through: give it threading's own notify.
    # Its wait() stays the instrumented one, so a thread blocked in Future.result() is seen.
    plain_notify = getattr(threading.Condition.notify, "__wrapped__", threading.Condition.notify)
    condition = type("Condition", (threading.Condition,), {"notify": plain_notify, "__module__": "threading"})

    def futures_condition(lock=None):
        return condition(_RealRLock() if lock is None else lock)

    view = _FuturesThreading("threading")
    view.Lock, view.RLock, view.Condition = _allocate, _RealRLock, futures_condition
    concurrent.futures._base.threading = view
    orig_join = threading.Thread.join

    def join(self, timeout=None):
        if timeout is not None or self.ident is None:
            return orig_join(self, timeout)
        agent = _agent()
        with waitgraph.mutex:
            waitgraph.join_waits[agent] = self.ident
        try:
            return orig_join(self, timeout)
        finally:
            with waitgraph.mutex:
                waitgraph.join_waits.pop(agent, None)

    join.__name__, join.__qualname__, join.__doc__ = orig_join.__name__, orig_join.__qualname__, orig_join.__doc__
    threading.Thread.join = join
