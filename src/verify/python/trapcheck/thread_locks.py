"""threading.Lock and threading.RLock with an owner thread, where it acquired, and its waiters.

`install()` replaces the factories `threading.Lock` / `threading.RLock` (and so every Condition,
Event, Semaphore, Queue created afterwards) with wrappers around a raw `_thread` lock. A thread
about to block forever first follows thread -> lock -> owner thread -> the lock it waits for -> ...;
if that comes back to itself (re-acquiring a non-reentrant Lock included) it reports a deadlock at
once, from the acquiring thread, before blocking. An RLock re-acquired by its owner just counts.
An RLock's owner is told by thread ident, as CPython's own RLock tells it: a thread that gets the
ident of an ended thread owns the RLocks that thread left held (tests/fixtures/verify/external/
python/cpython128167_rlock_owner_ident_reused.py completes, with detection on and off).
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

from . import frames, lockorder, rebind, report, stuck, waitgraph, witness

_allocate = _thread.allocate_lock
_RealRLock = _thread.RLock
_get_running_loop = asyncio.events._get_running_loop
_task_of_loop = waitgraph.task_of_loop
_agent = waitgraph.current_thread_agent
_new_agent = waitgraph.new_agent
_acquiring_chain = frames.acquiring_chain
_thread_waits = waitgraph.thread_waits
_note_event = waitgraph.note_event
_lo_wants = lockorder.wants
_lo_held = lockorder._held
_lo_released = lockorder.released
_lo_orders = lockorder._orders
_ThreadWait = waitgraph.ThreadWait
_new_tuple = tuple.__new__
_mutex_acquire = waitgraph.mutex.acquire
_mutex_release = waitgraph.mutex.release
_getframe = sys._getframe
_kind_of = frames.kind_of
_ANCHOR = frames.ANCHOR
_Mark = frames.Mark
_active_threads = threading._active
_get_ident = _thread.get_ident




def _check_args(blocking, timeout):
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError("timeout value must be a non-negative number")


def _acquire(real, rec, agent, caller, blocking, timeout, restore=None):
    """Acquires `real` for `agent`, called from `caller`, recording the wait and the ownership;
    checks for a cycle before blocking forever. `restore` = (depth, acquired, anchor, owner_task)
    from _release_save."""
    # Everything that reads the stack is done before the real acquire, not while holding it: a
    # longer hold makes every other thread wanting the lock wait longer, and with many threads
    # (a Barrier's condition woken for all) the waits convoy. The stack is the same either way.
    if restore is None:
        stack, anchor = _acquiring_chain(caller)
    loop = _get_running_loop()
    task = _task_of_loop(loop) if loop is not None else None
    if agent in _lo_held:
        _lo_wants(agent, rec, caller)
    # Every uncontended acquire of every tracked lock is made without the graph mutex. Nothing a
    # cycle search or a watchdog sample concludes can rest on this ownership: the owner has just
    # taken a free lock and is running (it waits for nothing), and whoever reads `owner` before it
    # is set reads None, which ends a chain too. Releases, which can let an owner go on to wait
    # elsewhere, stay under the mutex. The record is written before `owner`, so an owner read is
    # never paired with the previous holder's stack. Written in the `finally`: an exception
    # raised once the lock is taken (a signal handler's) leaves it held, and owned on record.
    ok = False
    try:
        ok = real.acquire(False)
        if not ok:
            if not blocking:
                return False
            forever = timeout == -1
            # The wait is registered, and later left, without the graph mutex. Registering first
            # and then reading whether the owner waits makes two threads closing a cycle at once
            # find it: of two such steps the GIL orders one first, and the later one sees the
            # earlier wait. The search itself runs under the mutex (so does every release), and no
            # stale entry can close a cycle: a thread whose acquire has returned leaves its wait
            # before it writes itself as the owner, so its entry names a lock whose owner is None
            # meanwhile, which ends every chain.
            _thread_waits[agent] = _new_tuple(_ThreadWait, (rec, forever, task))
            try:
                owner = rec.owner
                if forever and owner is not None and (owner is agent or owner in _thread_waits) and not rec.tainted:
                    _check_cycle(agent, rec)
                ok = real.acquire(True, timeout)
            finally:
                _thread_waits.pop(agent, None)
    finally:
        if ok:
            if restore is None:
                rec.depth, rec.acquired, rec.anchor, rec.owner_task = 1, stack, anchor, task
            else:
                rec.depth, rec.acquired, rec.anchor, rec.owner_task = restore
            rec.owner = agent
            held = _lo_held.get(agent)  # lockorder.took, inline
            if held is None:
                _lo_held[agent] = [rec]
            else:
                held.append(rec)
    return ok


def _inherit(rec, agent, deeper):
    """CPython's RLock knows its owner by thread ident only, and a thread started after another
    ended may get that thread's ident: it then owns whatever RLock the ended thread left held,
    re-entering it (`deeper` 1) or releasing it (0) where a thread with any other ident would
    wait or fail. `agent`, whose ident is that of the ended owner of `rec`, becomes the owner, as
    every later check of this lock must see (a proof that the lock is held by a thread that has
    ended would be false for this thread)."""
    with waitgraph.mutex:
        dead = rec.owner
        rec.owner = agent
        rec.depth += deeper
    _lo_released(dead, rec)
    lockorder.took(agent, rec)


def _check_cycle(agent, rec):
    """Under the graph mutex: reports the deadlock when `agent` waiting forever for `rec` closes
    a cycle that proves one (returns only when it does not, or reporting is off)."""
    cycle = None
    with waitgraph.mutex:
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


def _report_cycle(cycle):
    """Called under the mutex: builds the witness from a consistent graph and reports."""
    rep = report.REPORTER
    if rep is None or rep.disabled:
        return
    try:
        built = witness.thread_cycle(cycle, requester_frame=sys._getframe(3))
    except Exception:
        if report.DEBUG:
            raise
        built = witness.minimal("wait-cycle")
    rep.verdict("deadlock", "cycle", witness=built)


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
# By id(), as frames' boundaries are: a code object is hashed by value, anew on each lookup. The
# codes stay alive (the originals stay referenced by the wrappers primitives.py installs).
_PRIMITIVE_INIT_CODES = (
    threading.Event.__init__.__code__,
    threading.Semaphore.__init__.__code__,
    threading.Barrier.__init__.__code__,
    queue.Queue.__init__.__code__,
)
_PRIMITIVE_INITS = {id(code) for code in _PRIMITIVE_INIT_CODES}
_BARRIER_INIT = threading.Barrier.__init__.__code__


def _is_primitive_state_lock(frame):
    """True when the lock is being made by a standard-library primitive for its own state (see
    _PRIMITIVE_INITS); such primitives are named from their own creation site (primitives.py)."""
    code = frame.f_code
    if id(code) not in _PRIMITIVE_INITS:
        return False
    return code is not _BARRIER_INIT or frame.f_locals.get("action") is None


class _TrackedLock:
    """What Lock and RLock share: acquire, with what nearly every acquire is spent on inline."""

    __slots__ = ()
    _REENTRANT = False

    def acquire(self, blocking=True, timeout=-1):
        """As threading.Lock.acquire / threading.RLock.acquire (the owner of an RLock re-acquires
        at once, one level deeper)."""
        if timeout != -1 or not blocking:
            _check_args(blocking, timeout)
        # waitgraph.current_thread_agent, inline: every acquire needs the agent.
        ident = _get_ident()
        t = _active_threads.get(ident)
        agent = t._tc_agent if t is not None else None
        if agent is None:
            agent = _new_agent(ident, t)
        rec = self._rec
        owner = rec.owner
        if owner is agent and self._REENTRANT:
            rec.depth += 1
            return True
        if owner is not None and self._REENTRANT and owner.ident == ident:
            _inherit(rec, agent, 1)  # an ended thread's RLock, re-entered by a thread with its ident
            return True
        caller = _getframe(1)
        code = caller.f_code
        # The common case, inline: a plain function of the snippet takes a free lock outside an
        # event loop, holding no other lock or one whose order with this one is known already.
        # It is _acquire's uncontended path for a chain that ends at its first frame
        # (frames.acquiring_chain), with lockorder's wants (nothing new) and took.
        if owner is None and _kind_of(id(code)) == _ANCHOR and _get_running_loop() is None:
            held = _lo_held.get(agent)
            if held is None or (len(held) == 1 and (held[0].cls, rec.cls) in _lo_orders):
                mark = caller.f_trace
                if mark is None:
                    mark = caller.f_trace = _Mark()
                if mark.__class__ is _Mark and self._real.acquire(False):
                    rec.depth, rec.acquired, rec.anchor, rec.owner_task = 1, ((code, -1 - caller.f_lasti),), mark, None
                    rec.owner = agent
                    if held is None:
                        _lo_held[agent] = [rec]
                    else:
                        held.append(rec)
                    return True
        return _acquire(self._real, rec, agent, caller, blocking, timeout)

    # `with lock:` calls acquire itself (one frame less on every acquire); it returns True, as
    # threading.Lock.__enter__ does.
    __enter__ = acquire

    def __exit__(self, t=None, v=None, tb=None):
        """As threading.Lock.release / threading.RLock.release (the owner of an RLock goes one
        level out); what `with lock:` calls on the way out, so it is release itself.

        The owner is cleared under the graph mutex (a search that read this owner must not see
        it go on to wait elsewhere meanwhile), and before the real release; the rest of the record
        (depth, where it was taken) is only read while an owner is set, and the next acquire
        writes it. The event is noted after the real release: whoever waits for the lock takes it
        that much sooner."""
        ident = _get_ident()  # waitgraph.current_thread_agent, inline (as in acquire)
        th = _active_threads.get(ident)
        agent = th._tc_agent if th is not None else None
        if agent is None:
            agent = _new_agent(ident, th)
        rec = self._rec
        real = self._real
        if self._REENTRANT:
            owner = rec.owner
            if owner is not agent:
                if owner is None or owner.ident != ident:
                    raise RuntimeError("cannot release un-acquired lock")
                _inherit(rec, agent, 0)  # an ended thread's RLock, released by a thread with its ident
            if rec.depth > 1:
                rec.depth -= 1
                return
        elif not real.locked():
            raise RuntimeError("release unlocked lock")
        _mutex_acquire()
        try:  # a signal handler may raise between any two bytecodes: the mutex is released whatever
            owner = rec.owner
            if owner is not agent and owner is not None:
                rec.tainted = True  # a threading.Lock released by another thread than its owner
            rec.owner = None
        finally:
            _mutex_release()
        if owner is not None:
            # lockorder.released, inline for its common case: the lock taken last is released first.
            held = _lo_held.get(owner)
            if held is not None and held[-1] is rec:
                if len(held) == 1:
                    del _lo_held[owner]
                else:
                    held.pop()
            else:
                _lo_released(owner, rec)
        real.release()
        _note_event()

    def release(self):
        """As threading.Lock.release / threading.RLock.release."""
        self.__exit__()

    def _release_save(self):
        """Used by threading.Condition.wait: releases the lock whatever its depth, and returns
        what _acquire_restore needs to take it back as it was."""
        rec = self._rec
        saved = (rec.depth, rec.acquired, rec.anchor, rec.owner_task)
        if self._REENTRANT and self._is_owned():
            rec.depth = 1  # the whole depth is released at once (and restored from `saved`)
        self.__exit__()
        return saved

    def _acquire_restore(self, saved):
        _acquire(self._real, self._rec, _agent(), sys._getframe(1), True, -1, restore=saved)


class Lock(_TrackedLock):
    """threading.Lock that knows its owner thread (a threading.Lock may still be released by any
    thread; once that happens it is left out of proofs)."""

    __slots__ = ("_real", "_rec", "__weakref__")

    def __new__(cls):
        caller = _getframe(1)
        if _is_primitive_state_lock(caller) or _made_for_futures(caller):
            return _allocate()
        return object.__new__(cls)

    def __init__(self):
        self._real = _allocate()
        self._rec = waitgraph.LockRecord("threading.Lock", frames.creation_site(sys._getframe(1)))
        waitgraph.register_thread_lock(self._rec)

    def locked(self):
        """As threading.Lock.locked."""
        return self._real.locked()

    # Used by threading.Condition, which otherwise probes a Lock with acquire(False) and release()
    # in every wait() and notify(), and re-acquires it with a plain acquire() after a wait: each a
    # tracked acquire reading the stack. These keep Condition's behaviour for a Lock (owned = held
    # by anyone) and restore where the waiter first took the lock, as RLock's do.
    def _is_owned(self):
        return self._real.locked()

    def _at_fork_reinit(self):
        self._real._at_fork_reinit()
        self._rec.owner = None

    acquire_lock = _TrackedLock.acquire
    release_lock = _TrackedLock.release
    locked_lock = locked

    def __repr__(self):
        return f"<{'locked' if self.locked() else 'unlocked'} {type(self).__module__}.Lock object at {id(self):#x}>"


class RLock(_TrackedLock):
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

    _REENTRANT = True

    def locked(self):
        return self._real.locked()

    # Used by threading.Condition. Owned, as CPython's RLock tells it: by the calling thread's
    # ident (see _inherit).
    def _is_owned(self):
        owner = self._rec.owner
        return owner is not None and owner.ident == _get_ident()

    def _recursion_count(self):
        owner = self._rec.owner
        return self._rec.depth if owner is not None and owner.ident == _get_ident() else 0

    def _at_fork_reinit(self):
        self._real._at_fork_reinit()
        self._rec.owner = None
        self._rec.depth = 0

    def __repr__(self):
        owner = self._rec.owner
        return (
            f"<{'locked' if self.locked() else 'unlocked'} {type(self).__module__}.RLock object "
            f"owner={owner.ident if owner is not None else 0} count={self._rec.depth if owner is not None else 0} at {id(self):#x}>"
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
    view = _FuturesThreading("threading")
    view.Lock, view.RLock = _allocate, _RealRLock
    view.Condition = type("Condition", (threading.Condition,), {
        "__init__": rebind.with_globals(threading.Condition.__init__, RLock=_RealRLock),
        "notify": plain_notify,
        "__module__": "threading",
    })
    concurrent.futures._base.threading = view
    orig_join = threading.Thread.join
    join_waits = waitgraph.join_waits

    def join(self, timeout=None):
        ident = getattr(self, "_ident", None)  # Thread.ident's own value, without its property's call
        if timeout is not None or ident is None:
            return orig_join(self, timeout)
        # Without the graph mutex: a join registered before the thread blocks, or left after it
        # returns, names a thread that is running or has ended, and neither is stuck.
        agent = _agent()
        join_waits[agent] = ident
        try:
            return orig_join(self, timeout)
        finally:
            join_waits.pop(agent, None)

    join.__name__, join.__qualname__, join.__doc__ = orig_join.__name__, orig_join.__qualname__, orig_join.__doc__
    threading.Thread.join = join
