"""The watchdog: a harness thread that samples every SAMPLE_S seconds.

(a) At `timeout_ms` after main() started it reports `timeout` with a witness of what every thread
    and task was doing. This is the contract, not a detector: it runs with --no-detect too.
(b) With detection on, it reports `deadlock` / `watchdog` when every live thread of the snippet
    (idle pool workers aside) waits forever in an instrumented acquire, every lock waited for is
    held by one of those threads or by a thread that has ended (threads joining stuck threads are
    stuck too; see stuck.py), and this is unchanged across two samples with no acquire or release
    in between. It catches what the acquire-time cycle check cannot see: locks held by threads
    that ended, and cycles through a threading.Lock while another thread could still have acted.
"""
import _thread
import sys
import time

from . import report, stuck, waitgraph, witness

SAMPLE_S = 0.01
CPU_SAMPLE_S = 0.1


class Watchdog:
    """Runs on its own `_thread` thread (not a threading.Thread: it must not touch the snippet's
    view of threads or any instrumented lock)."""

    def __init__(self, reporter, timeout_ms, detect):
        self._reporter = reporter
        self._timeout_ms = timeout_ms
        self._detect = detect
        self._deadline = None
        self._cpu = {}
        self._cpu_prev = {}

    def start(self):
        """Starts the thread; returns once it is registered as a harness thread."""
        ready = _thread.allocate_lock()
        ready.acquire()
        _thread.start_new_thread(self._run, (ready,))
        ready.acquire()

    def arm(self, started_at):
        """Starts the timeout clock at `started_at` (perf_counter of main()'s start)."""
        self._deadline = started_at + self._timeout_ms / 1000

    def _run(self, ready):
        waitgraph.harness_idents.add(_thread.get_ident())
        ready.release()
        previous = None
        next_cpu = 0.0
        while True:
            time.sleep(SAMPLE_S)
            now = time.perf_counter()
            if self._deadline is not None and now >= self._deadline:
                self._report_timeout()
            if now >= next_cpu:
                self._sample_cpu(now)
                next_cpu = now + CPU_SAMPLE_S
            if self._detect:
                try:
                    previous = self._check_stuck(previous)
                except Exception:
                    previous = None

    # -- (a) timeout ----------------------------------------------------------------------------
    def _report_timeout(self):
        got = waitgraph.mutex.acquire(True, 0.2)
        try:
            try:
                built = witness.timeout(self._timeout_ms, self._thread_states(), self._detect)
            except Exception:
                if report.DEBUG:
                    raise
                built = witness.minimal("timeout", timeout_ms=self._timeout_ms)
            self._reporter.verdict("timeout", "timeout", witness=built)
        finally:
            if got:
                waitgraph.mutex.release()

    def _sample_cpu(self, now):
        self._cpu_prev = self._cpu
        sample = {}
        for ident in sys._current_frames():
            try:
                sample[ident] = (now, time.clock_gettime(time.pthread_getcpuclockid(ident)))
            except (OSError, AttributeError, OverflowError):
                pass
        self._cpu = sample

    def _thread_states(self):
        """ident -> 'running' (used CPU lately) or 'blocked' (did not)."""
        states = {}
        now = time.perf_counter()
        for ident, (then, cpu_then) in self._cpu_prev.items():
            try:
                cpu_now = time.clock_gettime(time.pthread_getcpuclockid(ident))
            except (OSError, AttributeError, OverflowError):
                continue
            wall = now - then
            if wall > 0:
                # A blocked thread uses next to no CPU; a running one gets its share even on a
                # machine with many more runnable threads than cores.
                states[ident] = "running" if (cpu_now - cpu_then) / wall > 0.02 else "blocked"
        return states

    # -- (b) every thread stuck for good ----------------------------------------------------------
    def _check_stuck(self, previous):
        """Reports when every thread is stuck for good in this sample and the previous one, with
        nothing acquired or released in between; returns this sample's key."""
        with waitgraph.mutex:
            found = stuck.all_threads_stuck()
            if found is None:
                return None
            key, lock_waits, joins, parked = found
            if stuck.nothing_moved(previous, key):
                cycle = None
                for agent, wait in lock_waits.items():
                    cycle = waitgraph.find_thread_cycle(agent, wait.record)
                    if cycle:
                        break
                built = witness.stuck_threads(lock_waits, joins, parked, cycle)
                self._reporter.verdict("deadlock", "watchdog", witness=built)
            return key
