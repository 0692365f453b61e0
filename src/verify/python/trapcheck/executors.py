"""Work in flight in ThreadPoolExecutors (run_in_executor, asyncio.to_thread, custom pools).

A work item counts as in flight from the moment it is created (inside submit()) until its run()
has returned, which is after the future's callbacks ran: those callbacks are what wake an event
loop (call_soon_threadsafe). So "nothing in flight" means no worker can still wake a loop. Items
dropped by shutdown(cancel_futures=True) never run and stay counted, which only withholds proofs.
"""
import _thread
import collections
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
    orig_submit = cft.ThreadPoolExecutor.submit
    get_ident = _thread.get_ident
    token, untoken = _in_flight.append, _in_flight.pop

    def submit(self, fn, /, *args, **kwargs):
        fut = orig_submit(self, fn, *args, **kwargs)
        try:
            fut._tc_executor = self
            fut._tc_fn = fn  # named in a witness only
        except Exception:
            pass
        return fut

    if _plain_signatures(orig_init, orig_run):
        # The signatures of CPython 3.11-3.13, called without packing arguments: these run for
        # every job of every pool, on the path between a worker and the loop it wakes.
        def __init__(self, future, fn, args, kwargs):
            orig_init(self, future, fn, args, kwargs)
            token(None)

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

        def run(self, *args, **kwargs):
            try:
                try:
                    self.future._tc_runner = get_ident()
                except Exception:
                    pass
                return orig_run(self, *args, **kwargs)
            finally:
                untoken()

    submit.__name__, submit.__qualname__, submit.__doc__ = orig_submit.__name__, orig_submit.__qualname__, orig_submit.__doc__
    item.__init__ = __init__
    item.run = run
    cft.ThreadPoolExecutor.submit = submit


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
