"""The protocol on the report file descriptor (see src/verify/protocol.ts).

`hello`, then `unrunnable` or `started`, then exactly one `verdict`, after which the process exits.
Writes are serialised by a lock taken from `_thread` before any instrumentation is installed, so
reporting never waits on a lock the snippet could hold.
"""
import _thread
import json
import os
import platform
import sys
import time

#: TRAPCHECK_DEBUG=1 lets errors inside the detectors surface instead of being swallowed.
DEBUG = os.environ.get("TRAPCHECK_DEBUG") == "1"

_write_lock = _thread.allocate_lock()
_forever = _thread.allocate_lock()
_forever.acquire()


class Reporter:
    """Writes protocol messages to one fd; thread-safe; at most one verdict."""

    def __init__(self, fd):
        self._fd = fd
        self._done = False
        self._started_at = None
        self.disabled = False
        os.set_inheritable(fd, False)  # children of the snippet must not write to it

    # -- messages -------------------------------------------------------------------------------
    def hello(self):
        """Announces the runtime (CPython and its version)."""
        self._send({"type": "hello", "runtime": {"name": "CPython", "version": platform.python_version()}})

    def started(self):
        """Says main() is about to be called and starts the clock that elapsedMs is measured by."""
        self._send({"type": "started"})
        self._cpu_at_start = time.process_time()
        self._started_at = time.perf_counter()
        return self._started_at

    @property
    def started_at(self):
        """perf_counter() when main() started, or None while the snippet is still loading."""
        return self._started_at

    def elapsed_ms(self):
        """Milliseconds since main() started (0 before)."""
        if self._started_at is None:
            return 0.0
        return round((time.perf_counter() - self._started_at) * 1000, 3)

    def unrunnable(self, message):
        """Reports that the file cannot be run, then exits. Never returns."""
        self._finish({"type": "unrunnable", "message": message})

    def verdict(self, outcome, detected_by=None, witness=None, error=None, returned=None, has_returned=False):
        """Reports the one verdict and exits the process. Never returns: a second caller (e.g. the
        watchdog racing main()) waits here until the first one has ended the process."""
        elapsed = self.elapsed_ms()
        if self._started_at is None:
            # Stuck or failed while loading: there is no main() run to give a verdict on.
            # (The message of `unrunnable` is the one English text this harness sends: it is shown
            # as is, like an error message, and it is never a witness.)
            reason = witness.get("reason") if witness else None
            why = error["text"] if error else f"{outcome} ({reason})" if reason else outcome
            self._finish({"type": "unrunnable", "message": f"it does not load: {why}"})
        msg = {
            "type": "verdict",
            "outcome": outcome,
            "detectedBy": detected_by,
            "elapsedMs": elapsed,
            # CPU time of the whole process (every thread) since main() started: bench/overhead.ts.
            "cpuMs": round((time.process_time() - self._cpu_at_start) * 1000, 3),
            "witness": witness,
            "error": error,
        }
        msg["potentialDeadlocks"] = _potential_deadlocks()
        if has_returned:
            msg["returned"] = returned
        self._finish(msg)

    # -- plumbing -------------------------------------------------------------------------------
    def _finish(self, msg):
        if self.disabled:
            # A forked child of the snippet: it ends as the program would, without reporting.
            _flush_std_streams()
            os._exit(0)
        with _write_lock:
            first = not self._done
            self._done = True
        if not first:
            _forever.acquire()  # the first verdict ends the process; never run snippet code again
        _flush_std_streams()
        try:
            self._send(msg)
        except Exception as e:  # something in the message would not serialise: keep the verdict
            try:
                self._send(_plain(msg, e))
            except Exception:
                pass
        os._exit(0)

    def _send(self, msg):
        if self.disabled:
            return
        data = (json.dumps(msg, ensure_ascii=False, allow_nan=False, default=repr) + "\n").encode("utf-8")
        with _write_lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self._fd, view)
                except InterruptedError:
                    continue
                view = view[n:]


def _plain(msg, err):
    """`msg` reduced to what always serialises, saying what was dropped."""
    plain = {k: v for k, v in msg.items() if k not in ("witness", "returned")}
    if msg.get("witness"):
        w = msg["witness"]
        plain["witness"] = {"reason": w.get("reason", "timeout"), "cycle": None, "tasks": [], "resources": [], "edges": []}
    plain["potentialDeadlocks"] = []
    if "returned" in msg:
        plain["returned"] = repr(msg["returned"])
    return plain


def _potential_deadlocks():
    """Lock-order inversions seen so far ([] when none, or when they cannot be worked out)."""
    try:
        from . import lockorder

        return lockorder.potential_deadlocks()
    except Exception:
        if DEBUG:
            raise
        return []


def _flush_std_streams(wait_s=0.2):
    """Flushes the snippet's stdout/stderr, giving up after `wait_s` (a stream could be stuck)."""
    done = _thread.allocate_lock()
    done.acquire()

    def flush():
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        done.release()

    try:
        _thread.start_new_thread(flush, ())
    except RuntimeError:
        return
    done.acquire(True, wait_s)


REPORTER = None


def set_reporter(reporter):
    """Makes `reporter` the one detectors report through."""
    global REPORTER
    REPORTER = reporter
