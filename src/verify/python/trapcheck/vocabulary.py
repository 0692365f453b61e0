"""The engine's vocabulary on the Python side: the codes this harness may send.

A copy of src/verify/vocabulary.ts (the one definition); tests/verify/vocabulary.test.ts dumps these
lists (`python3 -m trapcheck.vocabulary`) and checks they equal the TypeScript ones, and that every
code in every witness the fixtures produce is among them. Harnesses send codes, never English.
"""
import json

VERDICTS = ("completed", "raised", "deadlock", "timeout")
DETECTORS = ("cycle", "quiescence", "watchdog", "timeout")
REASONS = ("wait-cycle", "quiescent-loop", "threads-blocked", "loop-thread-blocked", "timeout")
RESOURCE_KINDS = (
    "lock", "rlock", "semaphore", "condition", "event", "queue", "barrier", "future", "task", "thread", "executor",
)
WAIT_OPS = (
    "acquire", "wait", "get", "put", "join", "result", "release", "set", "notify", "task_done", "complete", "run",
)
TASK_STATES = ("waiting", "blocked", "running", "done")
LEAKS = ("owner-finished", "owner-raised", "owner-cancelled", "frame-returned", "frame-raised")


def as_dict():
    """Every list by its TypeScript name."""
    return {
        "VERDICTS": list(VERDICTS),
        "DETECTORS": list(DETECTORS),
        "REASONS": list(REASONS),
        "RESOURCE_KINDS": list(RESOURCE_KINDS),
        "WAIT_OPS": list(WAIT_OPS),
        "TASK_STATES": list(TASK_STATES),
        "LEAKS": list(LEAKS),
    }


if __name__ == "__main__":
    print(json.dumps(as_dict()))
