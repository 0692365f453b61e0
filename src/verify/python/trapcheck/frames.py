"""Call and await chains as a witness shows them.

A chain is captured cheaply as a tuple of ``(code, line)`` pairs (no frame objects are kept, so no
locals outlive their function) and turned into witness frames ``{function, file, line}`` only when
a verdict is built. Harness frames and event-loop plumbing are left out of what the reader sees.
"""
import contextlib
import os

# Code flags of frames that belong to a coroutine, generator or async generator.
_SUSPENDABLE = 0x20 | 0x80 | 0x100 | 0x200  # GENERATOR | COROUTINE | ITERABLE_COROUTINE | ASYNC_GENERATOR
CO_OPTIMIZED = 0x1

HARNESS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__))
_snippet_dir = None

# Frames that say nothing about the snippet: the event loop's own machinery, thread bootstrap.
_PLUMBING_FILES = {"asyncio/base_events.py", "asyncio/events.py", "asyncio/runners.py"}
_PLUMBING_FUNCTIONS = {
    ("threading.py", "Thread._bootstrap"),
    ("threading.py", "Thread._bootstrap_inner"),
    ("threading.py", "Thread.run"),
    ("asyncio/locks.py", "_ContextManagerMixin.__aenter__"),
    ("asyncio/locks.py", "_ContextManagerMixin.__aexit__"),
    ("concurrent/futures/thread.py", "_worker"),
    ("concurrent/futures/thread.py", "_WorkItem.run"),
}

_paths = {}
_hidden = {}
_stdlib = {}


def set_snippet_dir(path):
    """Paths inside `path` are shown relative to it from now on."""
    global _snippet_dir
    _snippet_dir = os.path.abspath(path)
    _paths.clear()
    _hidden.clear()


def display_path(filename):
    """`filename` as short as is still clear: relative to the snippet folder, `asyncio/locks.py`
    for the standard library, the part after site-packages for installed packages."""
    shown = _paths.get(filename)
    if shown is not None:
        return shown
    shown = filename
    if filename and not filename.startswith("<"):
        path = os.path.abspath(filename)
        if _snippet_dir and (path == _snippet_dir or path.startswith(_snippet_dir + os.sep)):
            shown = os.path.relpath(path, _snippet_dir)
        elif "site-packages" + os.sep in path:
            shown = path.split("site-packages" + os.sep, 1)[1]
        elif path.startswith(_STDLIB_DIR + os.sep):
            shown = os.path.relpath(path, _STDLIB_DIR)
        else:
            shown = path
    _paths[filename] = shown
    return shown


def is_harness(filename):
    """True for this harness's own files."""
    return filename.startswith(HARNESS_DIR + os.sep)


def is_stdlib(filename):
    """True for files of the standard library (and frozen modules)."""
    known = _stdlib.get(filename)
    if known is None:
        known = filename.startswith("<frozen") or (
            filename.startswith(_STDLIB_DIR + os.sep) and "site-packages" + os.sep not in filename
        )
        _stdlib[filename] = known
    return known


def function_name(code):
    """The name a developer recognises: `Store.rebuild`, `caller` (enclosing functions dropped)."""
    name = code.co_qualname
    if "<locals>." in name:
        name = name.rsplit("<locals>.", 1)[1]
    return name


def hidden(code):
    """True for frames the witness leaves out: the harness and event-loop/thread plumbing."""
    known = _hidden.get(code)
    if known is None:
        filename = code.co_filename
        if is_harness(filename):
            known = True
        else:
            path = display_path(filename)
            known = path in _PLUMBING_FILES or (path, code.co_qualname) in _PLUMBING_FUNCTIONS
        _hidden[code] = known
    return known


# What a chain does at a frame of a code: stop there (BOUNDARY: plumbing, see add_boundaries; both
# live_stack and acquiring_chain), stop and mark it (ANCHOR: a plain function outside the standard
# library and the harness, whose frame stays on its thread's stack until the call returns; only
# acquiring_chain), or walk on (OTHER). By id(): hashing a code object hashes its name, constants
# and names again on every lookup (it is not cached), which made each live_stack cost thousands of
# instructions. The codes are kept in _kind_codes, so their ids are not reused. One lookup per frame.
OTHER, ANCHOR, BOUNDARY = 0, 1, 2
_CONTEXTMANAGER_ENTER = contextlib._GeneratorContextManager.__enter__.__code__
_kinds = {}
_kind_codes = []

#: kind_of(id(code)): OTHER / ANCHOR / BOUNDARY once the code has been seen, else None.
kind_of = _kinds.get


def _classify(code):
    filename = code.co_filename
    kind = OTHER if code.co_flags & _SUSPENDABLE or is_harness(filename) or is_stdlib(filename) else ANCHOR
    _kinds[id(code)] = kind
    _kind_codes.append(code)
    return kind


def add_boundaries(*codes):
    """Frames with these codes (and everything outside them) are plumbing: live_stack stops there.
    None may be a coroutine or generator: task_stack, which stops at the first frame that is not,
    relies on it."""
    if any(c.co_flags & _SUSPENDABLE for c in codes):
        raise ValueError("a boundary must be a plain function (task_stack stops before any other)")
    _kind_codes.extend(codes)
    _kinds.update((id(c), BOUNDARY) for c in codes)


def live_stack(frame, task_only=False, limit=64):
    """The chain from `frame` outwards, innermost first, as (code, instruction offset) pairs
    (cheap to take; lines are worked out by to_frames). With `task_only` it stops at the first
    frame that is not a coroutine or generator: the edge of an asyncio task. It always stops at
    a boundary (event-loop or thread-bootstrap plumbing)."""
    if task_only:
        return task_stack(frame, limit)
    out = []
    append = out.append
    kinds = _kinds
    for _ in range(limit):  # fewer bytecodes per frame than a counter
        if frame is None:
            break
        code = frame.f_code
        if kinds.get(id(code)) == BOUNDARY:
            break
        append((code, -1 - frame.f_lasti))
        frame = frame.f_back
    return tuple(out)


def task_stack(frame, limit=64):
    """live_stack(frame, task_only=True), called directly by the asyncio lock's acquire (it runs
    on every one): the chain of coroutine and generator frames from `frame` outwards, innermost first. It needs
    no boundary lookup: every boundary is a plain function (add_boundaries), where it stops anyway."""
    out = []
    append = out.append
    for _ in range(limit):
        if frame is None:
            break
        code = frame.f_code
        if not code.co_flags & _SUSPENDABLE:
            break
        append((code, -1 - frame.f_lasti))
        frame = frame.f_back
    return tuple(out)


class Mark:
    """Set as `f_trace` on the frame a thread lock was taken from (see acquiring_chain), to tell
    that very call apart from a later call of the same function at the same address (a frame
    object lives exactly as long as its call, unless something keeps it). `f_trace` is only
    called while a tracer runs (sys.settrace): the mark then takes that frame's line events and
    ignores them. A frame that already has a tracer's function is never marked."""

    __slots__ = ()

    def __call__(self, frame, event, arg):
        return None


def acquiring_chain(frame, limit=64):
    """Where a thread lock is being taken, cheaply: the chain from `frame` outwards up to the first
    frame of a plain function of the snippet (the anchor, the one that took the lock, or whose
    `with` runs the generator or `__enter__` that did), as live_stack gives it, and a mark set on
    the anchor (or None when the chain goes all the way out). While the anchor's call runs, its
    callers are the ones it had then: full_chain reads them from its thread's stack when a witness
    needs them. Keeping the frame itself instead would keep its locals alive, and with them maybe
    the very object whose `__del__` would release the lock."""
    kinds = _kinds
    out = []
    append = out.append
    # The commonest start, known without looking anything up: a @contextmanager generator takes the
    # lock, run by contextlib's __enter__ (both walked on, never anchors), whose caller the loop
    # reads as it would have.
    enter = frame.f_back
    if enter is not None and enter.f_code is _CONTEXTMANAGER_ENTER and frame.f_code.co_flags & _SUSPENDABLE:
        # And commonest of all: that caller is the anchor. The chain is the loop's, built whole.
        user = enter.f_back
        if user is not None:
            code = user.f_code
            if kinds.get(id(code)) == ANCHOR:
                mark = user.f_trace
                if mark is None:
                    mark = user.f_trace = Mark()
                if mark.__class__ is Mark:
                    return ((frame.f_code, -1 - frame.f_lasti), (_CONTEXTMANAGER_ENTER, -1 - enter.f_lasti), (code, -1 - user.f_lasti)), mark
        append((frame.f_code, -1 - frame.f_lasti))
        append((_CONTEXTMANAGER_ENTER, -1 - enter.f_lasti))
        frame = enter.f_back
    for _ in range(limit):  # as in live_stack
        if frame is None:
            break
        code = frame.f_code
        kind = kinds.get(id(code))
        if kind is None:
            kind = _classify(code)
        if kind == BOUNDARY:
            break
        append((code, -1 - frame.f_lasti))
        if kind == ANCHOR:
            mark = frame.f_trace
            if mark is None:
                mark = frame.f_trace = Mark()
            if mark.__class__ is Mark:
                return tuple(out), mark
            # A tracer's own function (a debugger, coverage): no mark of ours, walk on.
        frame = frame.f_back
    return tuple(out), None


def full_chain(chain, mark, frame, limit=64):
    """`chain` (innermost first, from acquiring_chain) completed with the callers of its anchor,
    when the frame carrying `mark` is still on the stack that `frame` (a thread's innermost frame)
    starts; else `chain` alone. Returns (chain, anchor still running)."""
    if mark is None:
        return chain, False
    while frame is not None and frame.f_trace is not mark:
        frame = frame.f_back
    if frame is None:
        return chain, False
    return chain + live_stack(frame.f_back, limit=max(limit - len(chain), 0)), True


def line_of(code, where):
    """The line of a chain entry: `where` >= 0 is a line, < 0 encodes an instruction offset
    (-1 - f_lasti) still to be mapped to its line."""
    if where >= 0:
        return where or code.co_firstlineno
    key = (code, where)
    line = _lines.get(key)
    if line is None:
        lasti = -1 - where
        line = code.co_firstlineno
        if lasti >= 0:
            for start, end, ln in code.co_lines():
                if start <= lasti < end:
                    if ln is not None:
                        line = ln
                    break
        _lines[key] = line
    return line


_lines = {}


def await_chain(coro, limit=200):
    """The await chain of a suspended coroutine, outermost first, as (code, line) pairs: the
    coroutine, what it awaits, and so on down to the innermost frame (e.g. `Lock.acquire`)."""
    out = []
    seen = set()
    while coro is not None and len(out) < limit and id(coro) not in seen:
        seen.add(id(coro))
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or getattr(coro, "ag_frame", None)
        if frame is None:
            break
        out.append((frame.f_code, frame.f_lineno or frame.f_code.co_firstlineno))
        nxt = getattr(coro, "cr_await", None)
        if nxt is None:
            nxt = getattr(coro, "gi_yieldfrom", None)
        if nxt is None:
            nxt = getattr(coro, "ag_await", None)
        coro = nxt
    return out


def to_frames(pairs, keep_head=10, keep_tail=40):
    """Witness frames from (code, line) pairs given outermost first, hidden frames left out.
    Very deep chains keep their outermost `keep_head` and innermost `keep_tail` frames."""
    shown = [frame_of(code, line) for code, line in pairs if not hidden(code)]
    if len(shown) > keep_head + keep_tail:
        shown = shown[:keep_head] + shown[-keep_tail:]
    return shown


def frame_of(code, line):
    """One witness frame; `line` as in line_of."""
    return {"function": function_name(code), "file": display_path(code.co_filename), "line": max(int(line_of(code, line)), 1)}


def innermost_user_frame(frames):
    """The innermost witness frame outside the standard library, or the innermost frame."""
    for f in reversed(frames):
        if not (f["file"].startswith("<frozen") or os.path.exists(os.path.join(_STDLIB_DIR, f["file"]))):
            return f
    return frames[-1] if frames else None


def creation_site(frame):
    """Where a lock is being created, as (code, lasti, line) of the innermost frame outside the
    standard library and the harness (the user's `x = Lock()` line), or of `frame` itself."""
    first = None
    while frame is not None:
        code = frame.f_code
        site = (code, frame.f_lasti, frame.f_lineno or code.co_firstlineno)
        if first is None:
            first = site
        filename = code.co_filename
        if not is_harness(filename) and not is_stdlib(filename):
            return site
        frame = frame.f_back
    return first
