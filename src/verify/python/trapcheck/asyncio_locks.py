"""asyncio.Lock with an owner: the task that acquired it, and where.

asyncio.Lock is pure Python and records no owner. The wrapped acquire() records the owning task and
its await chain on success; when a task is about to wait for a held lock it first follows
task -> lock -> owner -> the lock that owner waits for -> ... and, if that comes back to itself
(a self-loop included) and no timer or pending cancel can break the wait, reports a deadlock at
once, before blocking. release() by a task other than the owner marks the lock as never usable
in a proof.
"""
import asyncio
import asyncio.events
import asyncio.locks
import asyncio.tasks
import dis
import sys

from . import cancellation, frames, lockorder, report, waitgraph, witness

Lock = asyncio.locks.Lock
_orig = {}


def install():
    """Wraps asyncio.Lock.__init__/acquire/release (all locks created from now on are tracked)."""
    _orig.update(init=Lock.__init__, acquire=Lock.acquire, release=Lock.release)
    orig_init, orig_acquire, orig_release = _orig["init"], _orig["acquire"], _orig["release"]
    witness.set_lock_acquire_frame(_acquire_wait_line(orig_acquire.__code__), orig_acquire.__code__)
    task_of_loop = waitgraph.task_of_loop
    get_running_loop = asyncio.events._get_running_loop
    task_waits = waitgraph.task_waits
    active = waitgraph.active
    note_event = waitgraph.note_event
    task_stack = frames.task_stack
    took = lockorder.took
    wants = lockorder.wants
    held = lockorder._held
    released = lockorder.released

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        self._tc_rec = waitgraph.LockRecord("asyncio.Lock", frames.creation_site(sys._getframe(1)))

    # The task is looked up once per call: a coroutine stays in its task across its awaits.
    async def acquire(self):
        try:
            rec = self._tc_rec
        except AttributeError:  # created before install()
            rec = self._tc_rec = waitgraph.LockRecord("asyncio.Lock", None)
        loop = get_running_loop()
        task = task_of_loop(loop) if loop is not None else None
        if task is not None and task in held:
            wants(task, rec, sys._getframe(1))
        waiters = self._waiters
        if task is not None and (self._locked or (waiters and not all(w.cancelled() for w in waiters))):
            task_waits[task] = rec
            rec.waiters.append(task)
            active[rec.id] = rec
            try:
                if rec.owner is not None and not rec.tainted:
                    _check_cycle(task, rec)
                await orig_acquire(self)
            finally:
                task_waits.pop(task, None)
                try:
                    rec.waiters.remove(task)
                except ValueError:
                    pass
                if rec.owner is None and not rec.waiters and not self._locked:
                    active.pop(rec.id, None)
        else:
            await orig_acquire(self)
        rec.owner = task
        rec.acquired = task_stack(sys._getframe(1))
        active[rec.id] = rec
        if task is not None:
            took(task, rec)
        note_event()
        return True

    def release(self):
        try:
            rec = self._tc_rec
        except AttributeError:
            rec = None
        if rec is not None and self._locked:
            loop = get_running_loop()
            task = task_of_loop(loop) if loop is not None else None
            if rec.owner is not None:
                if task is not rec.owner:
                    rec.tainted = True
                released(rec.owner, rec)
            rec.owner = None
            rec.acquired = None
            if not rec.waiters:
                active.pop(rec.id, None)
            note_event()
        return orig_release(self)

    for wrapper, orig in ((__init__, orig_init), (acquire, orig_acquire), (release, orig_release)):
        wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = orig.__name__, orig.__qualname__, orig.__doc__
    Lock.__init__ = __init__
    Lock.acquire = acquire
    Lock.release = release


def _check_cycle(task, rec):
    """Reports a deadlock (and never returns) when `task` waiting for `rec` closes a cycle."""
    rep = report.REPORTER
    if rep is None or rep.disabled:
        return
    try:
        path = waitgraph.find_task_cycle(task, rec)
        if path is None:
            return
        loop = task.get_loop()
        if cancellation.may_be_cancelled([t for t, _ in path], loop):
            return
        built = witness.task_cycle(path, requester_frame=sys._getframe(1), loop=loop)
    except Exception:  # a bug in the detector must never change what the snippet does
        if report.DEBUG:
            raise
        return
    rep.verdict("deadlock", "cycle", witness=built)


def _acquire_wait_line(code):
    """The line of the `await` in asyncio's Lock.acquire: where a waiting task sits."""
    for ins in dis.get_instructions(code):
        if ins.opname in ("SEND", "YIELD_VALUE") and ins.positions and ins.positions.lineno:
            return ins.positions.lineno
    return code.co_firstlineno
