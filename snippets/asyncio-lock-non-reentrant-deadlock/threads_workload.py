"""The workload the thread-based Store variants of this trap are run under: workload.py for threads.

100 threads, released together by a threading.Barrier, mix rebuild() and set_hash() in a
seeded random order and at seeded random switch points, four times with different seeds.
It checks the same invariants as workload.py:

1. atomic rebuild: a second connection always sees a complete index. It reads right after
   every commit, so it sees every state any reader could ever see, whatever the threads'
   timing: a store that commits half a rebuild fails on every run, not by luck;
2. no lost writes: the final hashes are exactly those of replaying the completed calls one
   at a time, in the order they committed;
3. every caller returns.
"""
import random
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from workload import ENTITIES, SCHEMA, SOURCES, InvariantBroken, digest, extract_names


class CheckedConnection:
    """The Store's sqlite3 connection, shared by all threads; every commit is checked from a second connection."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # a throwaway database: no disk flush on every commit
        self._reader = sqlite3.connect(path, check_same_thread=False)
        self._commit_order = threading.Lock()  # makes "commit, check, log" one step, so the log is the commit order
        self.commits: list[str] = []  # the thread that made each commit, in commit order
        self.violations: list[InvariantBroken] = []  # what broken commits let a reader see, in commit order

    def execute(self, sql: str, params: tuple = ()) -> None:
        self._conn.execute(sql, params)

    def rollback(self) -> None:
        self._conn.rollback()

    def commit(self) -> None:
        with self._commit_order:
            self._conn.commit()
            self.commits.append(threading.current_thread().name)
            self._check_visible()

    def _check_visible(self) -> None:
        """A second connection must always see a complete index: every file, its hash, exactly its entities."""
        paths = sorted(p for (p,) in self._reader.execute("SELECT path FROM hashes"))
        entities = sorted(self._reader.execute("SELECT path, name FROM entities"))
        if paths != sorted(SOURCES) or entities != ENTITIES:
            self.violations.append(InvariantBroken(
                f"a commit let a second connection see a half-done rebuild: "
                f"{len(paths)} of {len(SOURCES)} hashes, {len(entities)} entities where {len(ENTITIES)} belong"
            ))
            raise self.violations[-1]

    def final_hashes(self) -> dict[str, str]:
        return dict(self._reader.execute("SELECT path, hash FROM hashes"))

    def close(self) -> None:
        self._reader.close()
        self._conn.close()


def run_round(make_store, seed: int, callers: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="trap-index-") as tmp:
        db = str(Path(tmp) / "index.db")
        with sqlite3.connect(db) as setup:  # a consistent index to start from
            for statement in SCHEMA:
                setup.execute(statement)
            for path, text in SOURCES.items():
                setup.execute("INSERT INTO hashes VALUES (?, ?)", (path, digest(text)))
                for name in extract_names(text):
                    setup.execute("INSERT INTO entities VALUES (?, ?)", (path, name))
        setup.close()
        conn = CheckedConnection(db)
        store = make_store(conn, SOURCES)

        plan = [
            ("rebuild", None, None, rng.randrange(4)) if rng.random() < 0.3
            else ("set_hash", rng.choice(list(SOURCES)), f"h{seed}-{n}", rng.randrange(4))
            for n in range(callers)
        ]
        start = threading.Barrier(callers)
        returned: set[str] = set()
        errors: list[BaseException] = []

        def caller(op: str, path: str | None, value: str | None, switches: int) -> None:
            try:
                start.wait()
                for _ in range(switches):
                    time.sleep(0)  # a seeded switch point: varies the interleaving
                if op == "rebuild":
                    store.rebuild()
                else:
                    store.set_hash(path, value)
                returned.add(threading.current_thread().name)
            except BaseException as e:
                errors.append(e)

        threads = [
            threading.Thread(target=caller, args=step, name=f"caller-{n}", daemon=True)
            for n, step in enumerate(plan)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if conn.violations or errors:
            raise (conn.violations or errors)[0]  # the first broken commit, else the first error

        calls = {f"caller-{n}": (op, path, value) for n, (op, path, value, _) in enumerate(plan)}
        last_commit = {name: i for i, name in enumerate(conn.commits) if name in calls}
        if missing := sorted(returned - last_commit.keys()):
            raise InvariantBroken(f"seed {seed}: {missing[0]} returned without committing its write")
        expected = {path: digest(text) for path, text in SOURCES.items()}
        for name in sorted(last_commit, key=last_commit.get):
            op, path, value = calls[name]
            if op == "rebuild":
                expected = {p: digest(t) for p, t in SOURCES.items()}
            else:
                expected[path] = value
        actual = conn.final_hashes()
        if actual != expected:
            lost = sorted(p for p in expected if actual.get(p) != expected[p])
            raise InvariantBroken(f"seed {seed}: final hashes differ from a serial replay for {lost}")
        if len(returned) != callers:
            raise InvariantBroken(f"seed {seed}: {callers - len(returned)} caller(s) never returned")
        conn.close()
        return {"rebuild": sum(op == "rebuild" for op, *_ in plan), "set_hash": sum(op == "set_hash" for op, *_ in plan)}


def run_workload(make_store, callers: int = 100, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs `callers` concurrent threads against a fresh Store per seed; returns what ran and was checked."""
    rounds = [run_round(make_store, seed, callers) for seed in seeds]
    return {
        "callers": callers * len(seeds),
        "concurrent": callers,
        "seeds": list(seeds),
        "rebuild": sum(r["rebuild"] for r in rounds),
        "set_hash": sum(r["set_hash"] for r in rounds),
        "invariants": [
            "atomic rebuild seen from a second connection after every commit",
            "final hashes equal a serial replay in commit order",
            "every caller returned",
        ],
    }
