"""Work in flight in ThreadPoolExecutors (run_in_executor, asyncio.to_thread, custom pools).

A work item counts as in flight from the moment it is created (inside submit()) until its future
is done: cancelled, or given its result or exception by the worker that ran it. The count drops
in the first of the future's done-callbacks, before the ones that wake an event loop
(call_soon_threadsafe) have run: until they have, the worker is inside the future's
`_invoke_callbacks`, not waiting in its pool's queue, and every proof that counts pool workers as
idle when nothing is in flight (stuck.py) also reads each worker's innermost frame, which must be
`_worker`'s own. So "nothing in flight" still means that no worker can wake a loop: those that are
running Python can act, and are seen to.
"""
import collections
import gc
import sys
import concurrent.futures.thread as cft

#: The future of each work item created whose future is not done. deque.append and deque.remove
#: are single C calls, atomic under the GIL: the pool's hot path counts without taking a lock,
#: and the remove is the done-callback itself (no call of ours runs on the worker).
_in_flight = collections.deque()
_WORKER_CODE = cft._worker.__code__
_RUN_CODE = cft._WorkItem.run.__code__


def in_flight():
    """Work items submitted to any ThreadPoolExecutor whose future is not done yet."""
    return len(_in_flight)


def _plain_signature(init):
    """True for _WorkItem(future, fn, args, kwargs)."""
    i = init.__code__
    return i.co_argcount == 5 and i.co_varnames[:5] == ("self", "future", "fn", "args", "kwargs") and not i.co_flags & 0x0C


def install():
    """Counts work items from now on."""
    item = cft._WorkItem
    orig_init = item.__init__
    token, untoken = _in_flight.append, _in_flight.remove

    if _plain_signature(orig_init):
        # The signature of CPython 3.11-3.13, called without packing arguments: this runs for
        # every job of every pool, on the path between the loop and the worker it wakes. The
        # future is new and seen by no other thread yet: its callbacks list is appended to as
        # add_done_callback would, without taking its condition.
        def __init__(self, future, fn, args, kwargs):
            orig_init(self, future, fn, args, kwargs)
            token(future)
            try:
                future._done_callbacks.append(untoken)
            except Exception:
                _in_flight.remove(future)
                _count_by_callback(future)
            try:
                future._tc_fn = fn  # named in a witness only
            except Exception:
                pass

    else:

        def __init__(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            _count_by_callback(getattr(self, "future", None))
            try:
                self.future._tc_fn = self.fn  # named in a witness only
            except Exception:
                pass

    __init__.__name__, __init__.__qualname__, __init__.__doc__ = orig_init.__name__, orig_init.__qualname__, orig_init.__doc__
    item.__init__ = __init__


def _count_by_callback(future):
    """Counts `future` in flight until it is done, through its public add_done_callback (which
    runs the callback at once when it is done already)."""
    try:
        _in_flight.append(future)
        future.add_done_callback(_in_flight.remove)
    except Exception:  # not a future: nothing will uncount it, so it is not counted
        try:
            _in_flight.remove(future)
        except ValueError:
            pass


def runner_of(fut):
    """The ident of the pool worker whose _WorkItem.run is running the job of `fut`, or None.
    Read from the threads' stacks, only when a witness asks."""
    for ident, frame in sys._current_frames().items():
        while frame is not None:
            if frame.f_code is _RUN_CODE:
                job = frame.f_locals.get("self")
                if job is not None and getattr(job, "future", None) is fut:
                    return ident
                break
            frame = frame.f_back
    return None


def is_job(fut):
    """True for a concurrent.futures.Future made for a job of a ThreadPoolExecutor (by the
    _WorkItem that install() wraps)."""
    d = getattr(fut, "__dict__", None)
    return bool(d) and "_tc_fn" in d and "_tc_loop" not in d


def executor_of(fut):
    """The ThreadPoolExecutor whose queue holds the job of `fut`, or None (the job has left the
    queue, or is not a pool's). Looked up only when a witness asks, so that submit() on the hot
    path runs as the standard library's: the job that refers to the future, the queue that holds
    the job (directly, or in the list it keeps its items in), the executor that owns that queue."""
    jobs = [r for r in gc.get_referrers(fut) if issubclass(type(r), cft._WorkItem) and r.future is fut]
    if not jobs:
        return None
    holders = gc.get_referrers(*jobs)
    lists = [h for h in holders if type(h) is list]
    held_in = {id(h) for h in holders}
    if lists:
        held_in.update(id(h) for h in gc.get_referrers(*lists))
    for obj in gc.get_objects():
        if issubclass(type(obj), cft.ThreadPoolExecutor) and id(obj.__dict__.get("_work_queue")) in held_in:
            return obj
    return None


def worker_count():
    """An upper bound on the live ThreadPoolExecutor worker threads (ended ones may linger)."""
    return len(cft._threads_queues)


def worker_idents():
    """Idents of live ThreadPoolExecutor worker threads."""
    for _ in range(10):
        try:
            return {t.ident for t in list(cft._threads_queues.keys()) if t.ident is not None}
        except RuntimeError:  # the weak dict changed while we read it
            continue
    return set()


def is_idle_worker(ident, frame, workers):
    """True when thread `ident` is a pool worker sitting in its loop between work items (only
    meaningful while nothing is in flight)."""
    return ident in workers and frame is not None and frame.f_code is _WORKER_CODE
