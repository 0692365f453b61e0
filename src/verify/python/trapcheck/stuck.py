"""Which threads can never run again, and whether that is every thread of the snippet.

A thread is stuck for good when it
- waits without timeout in an instrumented acquire for a lock (never released by a non-owner)
  held by a stuck thread or by a thread that has ended, or
- joins, without timeout, a stuck thread, or
- is parked in Condition.wait() without timeout and not yet notified (Event.wait, Queue.get/put/
  join, Semaphore.acquire, Barrier.wait, Future.result() all park there): only a thread that can
  still run could notify it, and the proof needs every thread stuck.
No proof while a thread is starting (threading._limbo) or exists without a Python frame yet
(`_thread._count()` counts more threads than sys._current_frames() shows): it may be about to run.
Pool workers with nothing in flight are inert while their innermost frame is their pool's loop
(only a submit could wake them, and submitters are stuck): one still running a future's callbacks
is not. Any other live thread could still act, e.g. release a threading.Lock it does not own, so
then nothing is proven. Nor is anything proven while a Python signal handler (other than SIGINT's)
is installed, or a handler installed in C that the signal module does not know (the process's
caught signals, /proc/self/status on Linux): a signal could run it. Nor while the process has an
OS thread that Python did not start (/proc/self/task): it may call into Python at any time.
"""
import _thread
import faulthandler
import os
import signal
import sys
import threading

from . import executors, waitgraph


def has_python_signal_handlers():
    """True when a Python function handles some signal other than SIGINT (it could wake things)."""
    return _handled_signal(caught=0, faults=frozenset())


#: Signals that only a fault raises, which faulthandler catches when it is enabled (its handler
#: dumps the stacks and dies: it wakes nothing).
_FAULT_SIGNALS = frozenset(getattr(signal, n) for n in ("SIGSEGV", "SIGFPE", "SIGABRT", "SIGBUS", "SIGILL") if hasattr(signal, n))


def has_signal_handlers():
    """True when some signal other than SIGINT has a handler that could wake things: a Python
    function, or one installed in C (through ctypes, or by a native library) that the signal
    module does not know, which may call into Python when any process sends that signal. The C
    ones are read from the caught signals in /proc/self/status (Linux; elsewhere not seen); the C
    library's own signals (outside signal.valid_signals()) do not count."""
    faults = _FAULT_SIGNALS if faulthandler.is_enabled() else frozenset()
    return _handled_signal(caught=_caught_signals(), faults=faults)


def _caught_signals():
    """The process's caught-signals mask (SigCgt), 0 when it cannot be read."""
    try:
        with open("/proc/self/status", "rb") as status:
            line = next((ln for ln in status if ln.startswith(b"SigCgt:")), None)
    except OSError:
        return 0
    return int(line.split()[1], 16) if line is not None else 0


def _handled_signal(caught, faults):
    """True when a signal other than SIGINT has a Python handler, or is in the `caught` mask
    without one (a C handler), `faults` aside."""
    for sig in signal.valid_signals():
        if sig == signal.SIGINT:
            continue
        try:
            handler = signal.getsignal(sig)
        except (ValueError, OSError):
            continue
        if callable(handler):
            if handler is not signal.default_int_handler:
                return True
        elif caught >> (sig - 1) & 1 and sig not in faults:
            return True
    return False


def all_threads_stuck():
    """Under the graph mutex: (key, lock_waits, joins) when every live thread of the snippet is
    stuck for good (see the module doc), else None. `lock_waits` maps ThreadAgent -> ThreadWait,
    `joins` maps ThreadAgent -> the ThreadAgent it joins; `key` changes whenever anything moves."""
    if not waitgraph.thread_waits and not waitgraph.cond_waits:
        return None
    found = _stuck(set())
    if found is None:
        return None
    lock_waits, joins, parked = found
    if not (lock_waits or parked) or has_signal_handlers():
        return None
    key = (
        waitgraph.event_mark(),
        frozenset((id(a), w.record.id) for a, w in lock_waits.items()),
        frozenset((id(a), id(t)) for a, t in joins.items()),
        frozenset((id(a), id(c.waiter)) for a, c in parked.items()),
    )
    return key, lock_waits, joins, parked


def nothing_moved(previous, key):
    """True when `key` (a sample of all_threads_stuck) follows `previous` with no event between
    them and the same waits, joins and parked threads."""
    return previous is not None and key[0] == previous[0] + 1 and key[1:] == previous[1:]


def others_cannot_act(me):
    """Under the graph mutex: True when every live thread other than `me` (an event-loop thread
    about to sleep for good, hence counted as stuck) is stuck for good or an inert pool worker."""
    return _stuck({me}) is not None


def others_cannot_act_now():
    """Takes the graph mutex: True when no thread but the calling one (an event-loop thread about
    to sleep for good) can act (see others_cannot_act)."""
    with waitgraph.mutex:
        return others_cannot_act(_thread.get_ident())


_count = getattr(_thread, "_count", None)


def _invisible_threads(current):
    """True when a thread started through _thread is alive but shows no Python frame (not yet
    running, or ending): it could still act, or has not finished ending."""
    if _count is None:
        return False
    main = threading.main_thread().ident
    return _count() > sum(1 for ident in current if ident != main)


def _threads_made_in_c():
    """True when the process has more OS threads than the threads Python started (the main thread
    and every `_thread` thread, threading's included): a thread made in C (a POSIX timer's
    SIGEV_THREAD callback, a native library's worker) may call into Python at any time, and until
    it does it shows no frame and no wait. Read from /proc/self/task (Linux); false elsewhere."""
    if _count is None:
        return False
    try:
        os_threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return False
    return os_threads > _count() + 1


def _fewer_waits_than_threads(stuck_idents):
    """True when, by counting alone, some live thread is neither waiting, joining, parked nor an
    idle pool worker, so _stuck would find a thread that can act. This is what the watchdog's
    samples usually meet while threads run, and it spares them reading every thread's frame
    (with a hundred threads, long enough to slow every lock operation waiting for the mutex).
    Counts only err towards "not fewer" (an agent counted twice, a thread not yet registered)."""
    waiting = len(waitgraph.thread_waits) + len(waitgraph.join_waits) + len(waitgraph.cond_waits)
    if not executors.in_flight():
        waiting += executors.worker_count()  # pool workers may be idle
    threads = len(threading._active) - len(waitgraph.harness_idents) - len(stuck_idents)
    return waiting < threads


def _an_owner_can_act(stuck_idents):
    """True when, from the graph alone, some lock waited for is held by a live thread that waits
    for nothing (or the wait has a timeout, or the lock is tainted): _stuck would say so too, after
    reading every thread's frame. A contended lock meets this at nearly every sample."""
    waits = waitgraph.thread_waits
    if not waits:
        return False
    joins, cond_waits = waitgraph.join_waits, waitgraph.cond_waits
    for wait in list(waits.values()):
        if not wait.forever or wait.record.tainted:
            return True
        owner = wait.record.owner
        if not isinstance(owner, waitgraph.ThreadAgent):
            return True
        if owner in waits or owner in joins:
            continue
        cond = cond_waits.get(owner)
        if cond is not None and cond.parked():
            continue
        if owner.ident not in stuck_idents and waitgraph.agents.get(owner.ident) is owner and owner.ident in threading._active:
            return True
    return False


def _stuck(stuck_idents):
    """(lock_waits, joins, parked) when every live thread outside `stuck_idents` is stuck for good
    or inert, taking the threads in `stuck_idents` as stuck; None when some thread could act."""
    if threading._limbo:
        return None
    waits = waitgraph.thread_waits
    cond_waits = waitgraph.cond_waits
    if _fewer_waits_than_threads(stuck_idents) or _an_owner_can_act(stuck_idents):
        return None
    current = sys._current_frames()
    if _invisible_threads(current):
        return None
    live = (set(current) | set(threading._active)) - waitgraph.harness_idents - stuck_idents
    workers = executors.worker_idents() if live else set()
    in_flight = executors.in_flight()
    lock_waits, joins, parked = {}, {}, {}
    for ident in live:
        agent = waitgraph.agents.get(ident)
        wait = waits.get(agent) if agent is not None else None
        joined = waitgraph.join_waits.get(agent) if agent is not None else None
        cond = cond_waits.get(agent) if agent is not None else None
        if wait is not None:
            if not wait.forever or wait.record.tainted:
                return None
            lock_waits[agent] = wait
        elif joined is not None:
            joins[agent] = waitgraph.agents.get(joined)
        elif cond is not None and cond.parked():
            parked[agent] = cond
        elif in_flight == 0 and executors.is_idle_worker(ident, current.get(ident), workers):
            continue
        else:
            return None  # a thread that could still act
    stuck = set(lock_waits) | set(joins) | set(parked)
    stuck.update(a for a in (waitgraph.agents.get(i) for i in stuck_idents) if a is not None)
    for wait in lock_waits.values():
        owner = wait.record.owner
        if not isinstance(owner, waitgraph.ThreadAgent):
            return None
        if owner not in stuck and owner.alive(current):
            return None
    for target in joins.values():
        if target is None or target not in stuck:
            return None
    # Last, as it reads /proc (the GIL is released meanwhile): every thread Python knows is stuck,
    # so none of them can change what was read; only a thread made in C could.
    if _threads_made_in_c():
        return None
    return lock_waits, joins, parked
