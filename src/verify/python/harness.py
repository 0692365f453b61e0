"""The Python harness of the verification engine (spawned by src/verify/run-snippet.ts).

    python3 harness.py --report-fd 3 --timeout-ms N [--no-detect] /absolute/path/snippet.py

Runs the snippet's main() and writes the protocol of src/verify/protocol.ts to the report fd:
hello, then unrunnable or started, then one verdict (completed, raised, deadlock, timeout). The
work is done by the `trapcheck` package beside this file; see its __init__ for the module map.
"""
import json
import os
import sys

if sys.version_info < (3, 11):  # co_qualname, asyncio.timeout and frame positions are needed
    _msg = f"the Python harness needs CPython 3.11 or newer; python3 here is {sys.version.split()[0]}."
    try:
        _fd = int(sys.argv[sys.argv.index("--report-fd") + 1])
        os.write(_fd, (json.dumps({"type": "unrunnable", "message": _msg}) + "\n").encode())
    except (ValueError, IndexError, OSError):
        print(_msg, file=sys.stderr)
    sys.exit(2)

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from trapcheck import session  # noqa: E402

if __name__ == "__main__":
    sys.exit(session.main(sys.argv[1:]))
