"""Readable lock names, taken from the line that created the lock.

`self._lock = asyncio.Lock()` in a method of `Store` is "Store._lock"; `LOCK = threading.Lock()` at
module level is "LOCK"; anything else falls back to "asyncio.Lock@file.py:12" (a name, not a
sentence: words.ts writes the sentences), or the bare type when it was created before the harness
started. Names are
worked out only when a witness is built: the source is parsed then, never on the hot path.
"""
import ast
import linecache

from . import frames

_trees = {}


def lock_name(kind, site):
    """The name a developer would use for the resource created at `site` ((code, lasti, line), as
    recorded by frames.creation_site), or "<kind>@<file>:<line>", or `kind` without a site."""
    if site is None:
        return kind
    code, lasti, line = site
    try:
        name = _name_from_source(code, lasti, line)
    except Exception:  # a name is a courtesy: never let it break a verdict
        name = None
    return name or f"{kind}@{frames.display_path(code.co_filename)}:{line}"


def _call_position(code, lasti, line):
    """(line, column) where the call at instruction offset `lasti` starts."""
    if lasti is not None and lasti >= 0:
        positions = list(code.co_positions())
        index = lasti // 2
        if 0 <= index < len(positions):
            start, _end, col, _end_col = positions[index]
            if start is not None and col is not None:
                return start, col
    return line, None


def _tree(filename):
    if filename not in _trees:
        source = "".join(linecache.getlines(filename))
        try:
            tree = ast.parse(source) if source else None
        except SyntaxError:
            tree = None
        parents = {}
        if tree is not None:
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
        _trees[filename] = (tree, parents)
    return _trees[filename]


def _name_from_source(code, lasti, line):
    tree, parents = _tree(code.co_filename)
    if tree is None:
        return None
    start, col = _call_position(code, lasti, line)
    calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and n.lineno == start and (col is None or n.col_offset == col)
    ]
    if len(calls) != 1:
        return None
    target = _target_of(calls[0], parents)
    if target is None:
        return None
    return _render(target, code)


def _target_of(call, parents):
    """The assignment target that receives `call`'s value, if any."""
    node, parent = call, parents.get(call)
    if isinstance(parent, ast.Tuple):
        holder = parents.get(parent)
        if isinstance(holder, ast.Assign) and holder.value is parent:
            target = holder.targets[0]
            if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(parent.elts):
                return target.elts[parent.elts.index(node)]
        return None
    if isinstance(parent, ast.Assign) and parent.value is node:
        return parent.targets[0]
    if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
        return parent.target
    return None


def _render(target, code):
    text = ast.unparse(target)
    qualname = code.co_qualname
    if code.co_name != "<module>" and not code.co_flags & frames.CO_OPTIMIZED:
        # A class body: `_lock = Lock()` in class Store is Store._lock.
        return f"{frames.function_name(code)}.{text}"
    head, _, rest = text.partition(".")
    if head in ("self", "cls") and rest:
        owner = qualname.rsplit(".", 1)[0] if "." in qualname else ""
        if owner and not owner.endswith("<locals>"):
            owner = owner.rsplit("<locals>.", 1)[-1]
            return f"{owner}.{rest}"
    return text
