"""One run of a snippet: arguments, instrumentation, watchdog, load, main(), verdict."""
import argparse
import asyncio.events
import concurrent.futures.thread
import os
import sys
import threading

from . import asyncio_locks, executors, frames, loader, lockorder, primitives, quiescence, report, runner, thread_locks, waitgraph
from .watchdog import Watchdog

USAGE = "harness.py --report-fd FD --timeout-ms N [--no-detect] /absolute/path/snippet.py"


def parse_args(argv):
    """The harness's command line (see USAGE)."""
    parser = argparse.ArgumentParser(prog="harness.py", usage=USAGE)
    parser.add_argument("--report-fd", type=int, required=True, help="file descriptor for protocol messages")
    parser.add_argument("--timeout-ms", type=int, required=True, help="main() must return within this many ms")
    parser.add_argument("--no-detect", action="store_true", help="switch the deadlock detectors off (timeout only)")
    parser.add_argument("file", help="absolute path of the snippet")
    args = parser.parse_args(argv)
    if args.timeout_ms <= 0:
        parser.error("--timeout-ms must be a positive number of milliseconds")
    return args


def gil_enabled():
    """False only on a free-threaded CPython (3.13+) running with its GIL off."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return is_enabled is None or bool(is_enabled())


def install_detectors():
    """Instruments asyncio.Lock, threading.Lock/RLock, the other waitables (primitives.py), thread
    pools and event loops. Must run
    before the snippet is imported: only locks created afterwards are tracked."""
    executors.install()
    primitives.install()
    asyncio_locks.install()
    thread_locks.install()
    quiescence.install()


def main(argv):
    """Runs the snippet named in `argv` and reports on the report fd. Never returns normally."""
    args = parse_args(argv)
    try:
        os.fstat(args.report_fd)
    except OSError:
        print(f"harness.py: fd {args.report_fd} is not open; run snippets with `npm run check -- <file>`.", file=sys.stderr)
        return 2
    path = os.path.abspath(args.file)
    reporter = report.Reporter(args.report_fd)
    report.set_reporter(reporter)
    reporter.hello()
    detect = not args.no_detect
    if detect and not gil_enabled():
        reporter.unrunnable(
            "the GIL is off in this free-threaded Python, and the deadlock proofs rest on it (each step of "
            "the harness's bookkeeping is atomic under the GIL). Run it with PYTHON_GIL=1, as src/verify "
            "does, or with --no-detect for the timeout alone."
        )

    def forked_child():
        reporter.disabled = True
        waitgraph.reset_after_fork()
        lockorder.forget_all()

    os.register_at_fork(after_in_child=forked_child)
    frames.set_snippet_dir(os.path.dirname(path))
    frames.add_boundaries(
        asyncio.events.Handle._run.__code__,
        threading.Thread._bootstrap_inner.__code__,
        concurrent.futures.thread._worker.__code__,
        runner.run.__code__,
    )
    if detect:
        install_detectors()
    watchdog = Watchdog(reporter, args.timeout_ms, detect)
    watchdog.start()
    try:
        main_fn = loader.load(path)
    except loader.Unrunnable as e:
        reporter.unrunnable(str(e))
    runner.run(main_fn, reporter, watchdog)
    return 0
