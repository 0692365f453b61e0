"""Imports a snippet as a module under a private name and finds its main().

The snippet's folder goes first on sys.path (snippets import sibling modules such as workload.py);
the module is not `__main__`, so its own `if __name__ == "__main__":` block does not run.
"""
import importlib.util
import inspect
import os
import sys
import traceback

from . import frames

MODULE_NAME = "__trap_snippet__"


class Unrunnable(Exception):
    """The file cannot be run; the message says why and what to do."""


def load(path):
    """Imports `path` and returns its main(); raises Unrunnable with a clear message otherwise."""
    folder = os.path.dirname(path)
    name = os.path.basename(path)
    sys.path[:] = [folder] + [p for p in sys.path if os.path.abspath(p or ".") != frames.HARNESS_DIR]
    sys.argv = [path]
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as e:
        raise Unrunnable(f"cannot read it: {e.strerror}.") from None
    try:
        code = compile(source, path, "exec")
    except SyntaxError as e:
        raise Unrunnable(_syntax_message(e, name)) from None
    except ValueError as e:  # e.g. null bytes
        raise Unrunnable(f"it is not valid Python source: {e}.") from None

    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        exec(code, module.__dict__)
    except SyntaxError as e:
        raise Unrunnable(_syntax_message(e, os.path.basename(e.filename or name), imported=True)) from None
    except SystemExit as e:
        raise Unrunnable(f"it called sys.exit({e.code!r}) while being imported; move that into main().") from None
    except BaseException as e:
        raise Unrunnable(_import_message(e, folder)) from None

    main = module.__dict__.get("main")
    if main is None:
        raise Unrunnable(
            "it defines no main(). Add `def main()` or `async def main()`: the engine calls it, "
            "and what it returns is shown as the run's result."
        )
    if not callable(main):
        raise Unrunnable(f"its main is a {type(main).__name__}, not a function; define `def main()` or `async def main()`.")
    try:
        params = inspect.signature(main).parameters.values()
    except (TypeError, ValueError):
        params = []
    required = [
        p.name for p in params
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if required:
        raise Unrunnable(f"its main() requires arguments ({', '.join(required)}); the engine calls main() with none.")
    return main


def _syntax_message(e, name, imported=False):
    where = f"{name}:{e.lineno}" if e.lineno else name
    text = f"{'a module it imports has a' if imported else 'a'} syntax error at {where}: {e.msg}."
    if e.text:
        line = e.text.rstrip("\n")
        text += f"\n    {line.strip()}"
        if e.offset:
            indent = len(line) - len(line.lstrip())
            text += "\n    " + " " * max(e.offset - 1 - indent, 0) + "^"
    return text + f"\nFix it so that `python3 -m py_compile {name}` passes."


def _import_message(e, folder):
    tb = traceback.extract_tb(e.__traceback__)
    user = [f for f in tb if not frames.is_harness(f.filename) and "importlib._bootstrap" not in f.filename]
    where = f" (at {frames.display_path(user[-1].filename)}:{user[-1].lineno})" if user else ""
    head = f"importing it raised {type(e).__name__}: {e}{where}."
    if isinstance(e, ImportError):
        head += (
            " Snippets may import the standard library and files beside them; "
            "add the missing file or remove the import."
        )
    else:
        head += " Move work that can fail out of module level into main()."
    return head
