"""Calls main() and turns what happens into the verdict.

A `def main()` is called on the main thread; if it returns a coroutine, or main is `async def`,
that coroutine runs as the task "main" on a fresh event loop. The verdict is reported as soon as
main's coroutine finishes (the loop is not shut down: nothing after main() can change the verdict).
"""
import asyncio
import inspect
import json
import traceback

from . import frames

_PLUMBING = ("asyncio/runners.py", "asyncio/base_events.py", "asyncio/events.py")


def run(main, reporter, watchdog):
    """Runs main() under the reporter's clock and reports completed or raised. Never returns."""
    watchdog.arm(reporter.started())
    try:
        result = main()
        if inspect.iscoroutine(result):
            result = _run_coroutine(result)
    except SystemExit as e:
        if e.code is None or e.code == 0:
            reporter.verdict("completed", returned=None, has_returned=True)
        reporter.verdict("raised", error=error_of(e))
    except BaseException as e:
        reporter.verdict("raised", error=error_of(e))
    reporter.verdict("completed", returned=jsonable(result), has_returned=True)


def _run_coroutine(coro):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    task = loop.create_task(coro, name="main")
    return loop.run_until_complete(task)


def jsonable(value):
    """`value` if it is JSON, else its repr."""
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError, OverflowError, RecursionError):
        return repr(value)


def error_of(exc):
    """{type, message, text} for an uncaught exception; the traceback starts at the snippet."""
    message = str(exc) if not isinstance(exc, SystemExit) else f"sys.exit({exc.code!r})"
    try:
        te = traceback.TracebackException.from_exception(exc)
        _trim(te, set())
        text = "".join(te.format())
    except Exception:
        text = "".join(traceback.format_exception(exc))
    return {"type": type(exc).__name__, "message": message, "text": text}


def _is_plumbing(filename):
    return frames.is_harness(filename) or frames.display_path(filename) in _PLUMBING


def _trim(te, seen):
    if te is None or id(te) in seen:
        return
    seen.add(id(te))
    stack = list(te.stack)
    i = 0
    while i < len(stack) - 1 and _is_plumbing(stack[i].filename):
        i += 1
    if i:
        te.stack = traceback.StackSummary.from_list(stack[i:])
    _trim(te.__cause__, seen)
    _trim(te.__context__, seen)
    for sub in getattr(te, "exceptions", None) or []:
        _trim(sub, seen)
