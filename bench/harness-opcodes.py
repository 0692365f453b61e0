"""bench/harness-opcodes: the bytecodes the Python engine adds to a program's main(), counted.

  python3 bench/harness-opcodes.py [--top N] [files...]      (npm run bench:opcodes -- ...)

Timing a program that a hundred threads share the GIL in moves by several points from one run to
the next on a shared machine (bench/overhead.ts prints by how much); a count does not. For each
program (default: the seed's Python programs declared `completed`, as `bench/overhead.ts --list`
gives them), in this invocation: one run
with detection off counts every opcode main() executes (the program's own code and the standard
library: the baseline), one run with detection on counts the opcodes executed in the harness's
own functions. It prints both, the harness's opcodes per program opcode, and the harness
functions that run the most, with how often each was called. Only main() counts (from the
harness's clock start to the verdict).

The detection-on run traces harness frames only: a program frame keeps no tracer function of its
own, so the harness runs the paths it runs untraced (thread_locks marks the frames that take a
lock through `f_trace`). Tracing slows every run several times over: the counts are the figures,
not the times.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "src", "verify", "python", "harness.py")
NODE = os.path.join(ROOT, "node_modules", ".bin", "node")

# Runs inside the child: traces opcodes from the harness clock's start until the verdict.
CHILD = r"""
import collections, json, os, runpy, sys, threading
harness, mode, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = [harness] + sys.argv[4:]
sys.path.insert(0, os.path.dirname(harness))
package = os.path.join(os.path.dirname(harness), "trapcheck") + os.sep
counts = collections.Counter()
calls = collections.Counter()
counting = [False]

def local(frame, event, arg):
    if event == "opcode" and counting[0]:
        counts[frame.f_code.co_qualname] += 1
    return local

def everything(frame, event, arg):
    frame.f_trace_opcodes = True
    frame.f_trace_lines = False
    return local

def harness_only(frame, event, arg):
    if frame.f_code.co_filename.startswith(package):
        if counting[0]:
            calls[frame.f_code.co_qualname] += 1
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        return local
    return None

from trapcheck import report
started = report.Reporter.started
def started_and_count(self):
    at = started(self)
    counts.clear()
    calls.clear()
    counting[0] = True
    return at
report.Reporter.started = started_and_count
verdict = report.Reporter.verdict
def verdict_and_stop(self, *args, **kwargs):
    counting[0] = False
    return verdict(self, *args, **kwargs)
report.Reporter.verdict = verdict_and_stop
exit_ = os._exit
def dump_and_exit(code):
    with open(out_path, "w") as f:
        json.dump({"opcodes": dict(counts), "calls": dict(calls)}, f)
    exit_(code)
os._exit = dump_and_exit
tracer = everything if mode == "all" else harness_only
threading.settrace(tracer)
sys.settrace(tracer)
runpy.run_path(harness, run_name="__main__")
"""


def count(program, mode):
    """Opcodes and calls per function in main() of `program`: all of them with detection off
    (`all`; calls are not counted there), the harness's with detection on (`harness`)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [sys.executable, "-c", CHILD, HARNESS, mode, out.name, "--report-fd", "1", "--timeout-ms", "600000"]
        if mode == "all":
            args.append("--no-detect")
        done = subprocess.run(args + [program], capture_output=True, text=True, env={**os.environ, "TMPDIR": os.environ.get("TMPDIR", "/dev/shm")})
        verdict = next((json.loads(line) for line in done.stdout.splitlines() if '"verdict"' in line), None)
        if verdict is None or verdict.get("outcome") != "completed":
            sys.exit(f"{program} ({mode}): no completed verdict\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        with open(out.name) as f:
            return json.load(f)


def seed_programs():
    """The seed's Python programs declared `completed`: bench/overhead.ts reads them from the page."""
    node = NODE if os.path.exists(NODE) else "node"
    listed = subprocess.run([node, os.path.join(ROOT, "bench", "overhead.ts"), "--list", "--only", "py"], capture_output=True, text=True, check=True)
    return [line for line in listed.stdout.splitlines() if line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=8, help="harness functions listed per program")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = [os.path.abspath(f) for f in args.files] or seed_programs()
    print("bench/harness-opcodes: opcodes run in main(), counted (not timed)\n")
    print(f"  {'program':<58} {'program (off)':>14} {'harness (on)':>13} {'harness per program opcode':>27}")
    for program in files:
        baseline = sum(count(program, "all")["opcodes"].values())
        counted = count(program, "harness")
        harness, calls = counted["opcodes"], counted["calls"]
        added = sum(harness.values())
        shown = os.path.relpath(program, ROOT)
        print(f"  {shown:<58} {baseline:>14,} {added:>13,} {added / baseline:>27.3f}")
        for name, n in sorted(harness.items(), key=lambda kv: -kv[1])[: args.top]:
            made = calls.get(name, 0)
            print(f"      {n:>10,}  {name}  ({made:,} calls, {n / made if made else 0:.0f} a call)")


if __name__ == "__main__":
    main()
