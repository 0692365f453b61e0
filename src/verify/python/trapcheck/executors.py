"""Work in flight in ThreadPoolExecutors (run_in_executor, asyncio.to_thread, custom pools).

A work item counts as in flight from the moment it is created (inside submit()) until its run()
has returned, which is after the future's callbacks ran: those callbacks are what wake an event
loop (call_soon_threadsafe). So "nothing in flight" means no worker can still wake a loop. Items
dropped by shutdown(cancel_futures=True) never run and stay counted, which only withholds proofs.
"""
import _thread
import collections
import gc
import concurrent.futures.thread as cft

#: One token per work item created and not yet finished running. deque.append and deque.pop are
#: single C calls, atomic under the GIL: the pool's hot path counts without taking a lock.
_in_flight = collections.deque()
_WORKER_CODE = cft._worker.__code__


def in_flight():
    """Work items submitted to any ThreadPoolExecutor whose run() has not finished."""
    return len(_in_flight)


def _plain_signatures(init, run):
    """True for _WorkItem(future, fn, args, kwargs) with run(self)."""
    i, r = init.__code__, run.__code__
    return i.co_argcount == 5 and i.co_varnames[:5] == ("self", "future", "fn", "args", "kwargs") and r.co_argcount == 1 and not (i.co_flags | r.co_flags) & 0x0C


def install():
    """Counts work items from now on."""
    item = cft._WorkItem
    orig_init, orig_run = item.__init__, item.run
    get_ident = _thread.get_ident
    token, untoken = _in_flight.append, _in_flight.pop

    if _plain_signatures(orig_init, orig_run):
        # The signatures of CPython 3.11-3.13, called without packing arguments: these run for
        # every job of every pool, on the path between a worker and the loop it wakes.
        def __init__(self, future, fn, args, kwargs):
            orig_init(self, future, fn, args, kwargs)
            token(None)
            try:
                future._tc_fn = fn  # named in a witness only
            except Exception:
                pass

        def run(self):
            try:
                try:
                    self.future._tc_runner = get_ident()
                except Exception:
                    pass
                return orig_run(self)
            finally:
                untoken()

    else:

        def __init__(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            token(None)
            try:
                self.future._tc_fn = self.fn  # named in a witness only
            except Exception:
                pass

        def run(self, *args, **kwargs):
            try:
                try:
                    self.future._tc_runner = get_ident()
                except Exception:
                    pass
                return orig_run(self, *args, **kwargs)
            finally:
                untoken()

    item.__init__ = __init__
    item.run = run


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
