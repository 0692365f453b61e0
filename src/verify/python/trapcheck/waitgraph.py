"""The wait-for graph: who holds which lock since where, who waits for which lock.

Agents are asyncio tasks (for asyncio.Lock) and threads (for threading.Lock / RLock, represented by
a ThreadAgent per thread lifetime). Each instrumented lock has a LockRecord.

Consistency: releases of thread locks and the searches for cycles are made under `mutex` (a raw
`_thread` RLock: reentrant, because a finalizer run by a garbage collection inside a critical
section may itself take a tracked lock). Taking a lock, and registering or leaving a wait, are not:
a new owner is running, and a thread leaves its wait before it writes itself as the owner, so no
stale entry closes a cycle (see thread_locks._acquire). asyncio locks live on one event-loop thread
and change only there, so their records need no mutex.

Soundness rules the searches follow:
- a lock once released by a non-owner (`tainted`) is never part of a proof: anyone may release it;
- a thread wait with a timeout is not a wait forever and ends every chain;
- a task whose wait was already woken or cancelled ends every chain.
"""
import _thread
import itertools
import sys
import threading
import weakref

mutex = _thread.RLock()
_ids = itertools.count(1)
_tls = _thread._local()

#: ThreadAgent -> ThreadWait, for threads inside an instrumented blocking acquire.
thread_waits = {}
#: asyncio Task -> LockRecord, for tasks suspended in an instrumented asyncio.Lock.acquire.
task_waits = {}
#: ThreadAgent -> primitives.CondWait, for threads parked in Condition.wait() without timeout.
cond_waits = {}
#: ThreadAgent -> ident of the thread it joins (Thread.join without timeout).
join_waits = {}
#: id -> LockRecord, for asyncio locks that are held or waited for (what a timeout witness lists).
active = {}
#: id -> weak reference to the LockRecord of every live tracked thread lock (their acquires do not
#: keep a register of what is held: a timeout witness looks through these).
thread_records = {}
#: ident -> the ThreadAgent of the latest thread with that ident that touched a lock.
agents = {}
#: idents of the harness's own threads (watchdog, flusher): never part of the snippet.
harness_idents = set()


#: note_event(): counts one event: a release, a thread leaving a Condition wait, a notify, what
#: can let a stuck thread go on. (Taking a thread lock needs none: only a running thread or a
#: release lets a thread take one; parking changes the parked set, which samples compare.) The
#: watchdog needs "nothing moved" between two samples. One C call, so it is atomic without the
#: mutex: a count made by a thread that does not hold the mutex is never lost, as `value += 1`
#: from two threads could be.
_event_count = itertools.count(1)
note_event = _event_count.__next__


def event_mark():
    """A mark of the events so far: two marks with no event between them differ by exactly one
    (taking a mark counts as an event, so a mark taken by anyone else reads as movement: a proof
    can only be delayed by it)."""
    return _event_count.__next__()


class LockRecord:
    """What the harness knows about one lock."""

    __slots__ = ("id", "kind", "site", "cls", "owner", "owner_task", "acquired", "anchor", "depth", "waiters", "tainted", "__weakref__")

    def __init__(self, kind, site):
        self.id = next(_ids)
        self.kind = kind
        #: (code, lasti, line) of the creating call, for the lock's name.
        self.site = site
        #: The lock's class for lock-order tracking: where it was created, by the code's id (a
        #: code object is hashed and compared by value, anew on every lookup: thousands of
        #: instructions on each acquire made while holding another lock). `site` keeps the code
        #: alive as long as any lock of the class, so the id is not reused meanwhile.
        self.cls = (id(site[0]), site[1]) if site is not None else ("lock", self.id)
        #: Task or ThreadAgent holding it, or None.
        self.owner = None
        #: For thread locks taken on an event-loop thread: the task that was running (for display).
        self.owner_task = None
        #: The owner's chain when it acquired the lock: (code, line) pairs, innermost first; for
        #: a thread lock, up to the frame carrying `anchor` (see frames.acquiring_chain).
        self.acquired = None
        self.anchor = None
        self.depth = 0
        #: Tasks waiting for an asyncio lock, in arrival order (see waiters_of).
        self.waiters = []
        #: Released by a non-owner at least once: never used in a proof.
        self.tainted = False


class ThreadAgent:
    """One thread, for the lifetime of that thread (idents are reused, agents are not)."""

    __slots__ = ("ident", "name", "__weakref__")

    def __init__(self, ident, name):
        self.ident = ident
        self.name = name

    def display_name(self):
        """The thread's current name (threads may be renamed), else the one it had."""
        t = threading._active.get(self.ident)
        if t is not None and agents.get(self.ident) is self:
            return t.name
        return self.name

    def alive(self, frames=None):
        """False only when this thread has certainly ended."""
        if agents.get(self.ident) is not self:
            return False
        frames = sys._current_frames() if frames is None else frames
        return self.ident in frames or self.ident in threading._active


class ThreadWait(tuple):
    """A thread inside a blocking acquire: (record, forever, task), made with `tuple.__new__` (one
    C call: every contended acquire makes one)."""

    __slots__ = ()
    #: The LockRecord waited for.
    record = property(lambda self: self[0])
    #: False for an acquire with a timeout.
    forever = property(lambda self: self[1])
    #: The asyncio task that was running on the thread, if any.
    task = property(lambda self: self[2])



def _task_of_loop():
    # 3.11 keeps the running task per loop in a dict (its current_task() is Python and costs
    # several calls); later versions have current_task(loop) in C.
    import asyncio.tasks

    tasks = getattr(asyncio.tasks, "_current_tasks", None)
    return tasks.get if isinstance(tasks, dict) else asyncio.tasks.current_task


#: task_of_loop(loop): the asyncio task running on `loop` right now, or None; one C call.
task_of_loop = _task_of_loop()


_get_ident = _thread.get_ident
_active_threads = threading._active
_DummyThread = threading._DummyThread
# A thread's agent is kept on its threading.Thread (see current_thread_agent): this class default
# makes reading it one attribute lookup, `None` until the thread first needs one.
threading.Thread._tc_agent = None


def current_thread_agent():
    """The ThreadAgent of the calling thread. Kept on its threading.Thread (the first use of a
    thread-local in each new thread costs more than all its later lookups together, and a hundred
    threads each touching a lock once pay it a hundred times); a thread without one uses `_tls`."""
    ident = _get_ident()
    t = _active_threads.get(ident)
    if t is not None:
        agent = t._tc_agent
        if agent is not None:
            return agent
    return new_agent(ident, t)


def new_agent(ident, t):
    """The ThreadAgent of the calling thread, whose ident is `ident` and whose threading.Thread
    (threading._active's) is `t` or None, when `t` has none yet: current_thread_agent's slow path,
    for callers that have read both already."""
    if t is None:  # a thread starting up (its _started event) is still in limbo
        t = next((x for x in list(threading._limbo) if getattr(x, "_ident", None) == ident), None)
        if t is not None and t._tc_agent is not None:
            return t._tc_agent
    if t is not None and not isinstance(t, _DummyThread):
        agent = t._tc_agent = ThreadAgent(ident, t.name)
    else:
        # A _DummyThread stays in threading._active after its thread ends, and a later thread may
        # get the same ident: its agent lives in the thread-local, which is per thread lifetime.
        agent = getattr(_tls, "agent", None)
        if agent is not None:
            return agent
        agent = _tls.agent = ThreadAgent(ident, t.name if t is not None else f"Thread-{ident}")
    agents[ident] = agent
    return agent


def register_thread_lock(rec):
    """Remembers `rec` (a thread lock's record) for as long as its lock lives."""
    rid = rec.id
    thread_records[rid] = weakref.ref(rec, lambda _ref: thread_records.pop(rid, None))


def waiters_of(rec):
    """The agents waiting for the lock of `rec`, in the order they came: a thread lock's from
    thread_waits (its acquires keep no list of their own), an asyncio lock's from the record."""
    if rec.kind == "asyncio.Lock":
        return list(rec.waiters)
    return [agent for agent, wait in list(thread_waits.items()) if wait.record is rec]


def locks_in_use():
    """Every tracked lock that is held or waited for now: asyncio and thread locks."""
    waited = {id(wait.record) for wait in list(thread_waits.values())}
    in_use = [rec for rec in active.values() if rec.owner is not None or rec.waiters]
    for ref in list(thread_records.values()):
        rec = ref()
        if rec is not None and (rec.owner is not None or id(rec) in waited):
            in_use.append(rec)
    return in_use


def reset_after_fork():
    """In a forked child only the forking thread survives: forget every other thread (the
    forking thread keeps its identity, so the locks it holds are still its own)."""
    mutex._at_fork_reinit()  # the same object: modules keep its bound methods
    thread_waits.clear()
    join_waits.clear()
    cond_waits.clear()
    me = current_thread_agent()
    agents.clear()
    if me is not None:
        agents[me.ident] = me


def find_thread_cycle(start, record):
    """Under `mutex`: the cycle closed if thread `start` waits forever for `record`, as a list
    of (agent, record) pairs starting with (start, record); None when there is none."""
    path = [(start, record)]
    seen = {start}
    while True:
        owner = record.owner
        if owner is None or record.tainted:
            return None
        if owner is start:
            return path
        if owner in seen or not isinstance(owner, ThreadAgent):
            return None
        wait = thread_waits.get(owner)
        if wait is None or not wait.forever:
            return None
        record = wait.record
        path.append((owner, record))
        seen.add(owner)


def find_task_cycle(start, record):
    """On the event-loop thread: the cycle closed if task `start` waits for `record`, as a list
    of (task, record) pairs starting with (start, record); None when there is none."""
    path = [(start, record)]
    seen = {start}
    while True:
        owner = record.owner
        if owner is None or record.tainted:
            return None
        if owner is start:
            return path
        if owner in seen or isinstance(owner, ThreadAgent):
            return None
        record = task_waits.get(owner)
        if record is None or not task_is_parked(owner):
            return None
        path.append((owner, record))
        seen.add(owner)


def task_is_parked(task):
    """True when `task` is suspended on a future that has not completed (it cannot run now)."""
    if task.done():
        return False
    waiter = getattr(task, "_fut_waiter", None)
    return waiter is not None and not waiter.done()
