"""The proof that an event loop can never wake up again while tasks still wait.

Every selector event loop created after `install()` checks, each time it is about to block with no
timeout (no ready handles, no live timers), whether anything could still wake it:

- only the loop's self-pipe registered with the selector (no sockets, pipes, pidfds);
- no Python-level signal handler other than SIGINT's (a signal or child exit could run one);
- no other thread of the snippet that could act (threads can call call_soon_threadsafe): each
  is an idle pool worker with no work in flight in any ThreadPoolExecutor, or stuck for good
  (stuck.py) on locks held by stuck threads, ended threads or this loop's own thread; work in
  flight is then work that stuck workers will never finish;
- at least one task not done; and, after a garbage collection (finalizers may schedule work),
  still nothing ready or scheduled.

When all hold, the loop would sleep forever: that is reported as `deadlock` / `quiescence`. When
not, the loop sleeps in short slices and checks again, so that a thread ending without waking it
is noticed too; events are returned exactly as a blocking select would return them.
"""
import asyncio
import asyncio.selector_events
import gc
import weakref

from . import executors, report, stuck, waitgraph, witness

POLL_S = 0.02

#: Event loops created since install(), for witnesses.
loops = weakref.WeakSet()


def install():
    """Hooks every selector event loop created from now on."""
    cls = asyncio.selector_events.BaseSelectorEventLoop
    orig_init = cls.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        try:
            _hook(self)
        except Exception:
            if report.DEBUG:
                raise

    cls.__init__ = __init__


def _hook(loop):
    selector = loop._selector
    real_select = selector.select
    loop_ref = weakref.ref(loop)

    in_flight = executors._in_flight
    thread_waits, cond_waits = waitgraph.thread_waits, waitgraph.cond_waits

    def select(timeout=None):
        if timeout is not None:
            return real_select(timeout)
        while True:
            # _idle's first test, inline: this runs on every loop iteration, and while a pool has
            # work in flight and no thread waits on a lock, a worker will still wake the loop.
            if not in_flight or thread_waits or cond_waits:
                lp = loop_ref()
                if lp is not None:
                    _check(lp, selector)
                del lp
            events = real_select(POLL_S)
            if events:
                return events

    selector.select = select
    loops.add(loop)


def _check(loop, selector):
    rep = report.REPORTER
    if rep is None or rep.disabled:
        return
    try:
        tasks = quiescent_tasks(loop, selector)
        if not tasks:
            return
        built = witness.quiescence(loop, tasks)
    except Exception:
        if report.DEBUG:
            raise
        return
    rep.verdict("deadlock", "quiescence", witness=built)


def quiescent_tasks(loop, selector):
    """The tasks left waiting if `loop` (about to block with no timeout) can never wake again;
    an empty list when something could still wake it."""
    if not _idle(loop, selector):
        return []
    if stuck.has_signal_handlers() or not stuck.others_cannot_act_now():
        return []
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if not tasks:
        return []
    gc.collect()  # finalizers (async generators, weakref callbacks) may still schedule work
    if not _idle(loop, selector):
        return []
    return tasks


def _idle(loop, selector):
    # Work in flight can only be stuck for good if some thread waits on a lock (a stuck worker).
    if (executors.in_flight() and not (waitgraph.thread_waits or waitgraph.cond_waits)) or loop._ready or loop._stopping:
        return False
    for handle in loop._scheduled:
        if not handle._cancelled:
            return False
    registered = selector.get_map()
    ssock = getattr(loop, "_ssock", None)
    if ssock is None or len(registered) != 1:
        return False
    return all(key.fd == ssock.fileno() for key in registered.values())


