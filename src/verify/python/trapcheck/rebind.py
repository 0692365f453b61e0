"""Functions of the standard library run as they are, with a few of the names they read swapped."""
import types


def with_globals(function, **names):
    """`function` itself (its code, defaults and closure) reading `names` instead of the module
    globals of the same names; its other globals are those of its module when this is called.
    Costs no call of ours when it runs, where a wrapper would cost one on every call."""
    scope = dict(function.__globals__, **names)
    copy = types.FunctionType(function.__code__, scope, function.__name__, function.__defaults__, function.__closure__)
    copy.__kwdefaults__, copy.__qualname__, copy.__doc__ = function.__kwdefaults__, function.__qualname__, function.__doc__
    return copy
