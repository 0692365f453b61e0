"""The workload every Store variant of this trap is run under.

100 concurrent callers mix rebuild() and set_hash() in a seeded random order and
at seeded random yield points, four times with different seeds. It checks what
the lock exists to protect:

1. atomic rebuild: right after every commit, a second connection sees a
   complete index, every file with its hash and exactly its entities, never a
   half-done rebuild;
2. no lost writes: the final hashes are exactly those of replaying the completed
   calls one at a time, in the order they completed;
3. every caller returns.
"""
import asyncio
import hashlib
import random
import re
import tempfile
from pathlib import Path

from aiodb import AsyncConnection

SCHEMA = (
    "CREATE TABLE hashes (path TEXT PRIMARY KEY, hash TEXT NOT NULL)",
    "CREATE TABLE entities (path TEXT NOT NULL, name TEXT NOT NULL)",
)

SOURCES = {
    f"pkg/mod{i}.py": "".join(f"def fn{i}_{j}():\n    return {j}\n\n" for j in range(2))
    for i in range(4)
}


def digest(text: str) -> str:
    """The content hash of a source file."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def extract_names(text: str) -> list[str]:
    """The entities of a source file: the functions it defines."""
    return re.findall(r"^def (\w+)", text, re.MULTILINE)


class InvariantBroken(AssertionError):
    """The store let callers see or keep a state that no serial order of calls produces."""


ENTITIES = sorted((path, name) for path, text in SOURCES.items() for name in extract_names(text))


async def check_snapshot(reader: AsyncConnection) -> None:
    """A second connection must always see a complete index: every file, its hash, exactly its entities."""
    rows = await reader.fetchall(  # one statement: one consistent snapshot
        "SELECT path, NULL FROM hashes UNION ALL SELECT path, name FROM entities"
    )
    paths = sorted(path for path, name in rows if name is None)
    entities = sorted((path, name) for path, name in rows if name is not None)
    if paths != sorted(SOURCES) or entities != ENTITIES:
        raise InvariantBroken(
            f"right after a commit by {asyncio.current_task().get_name()}, a second connection "
            f"saw a half-done rebuild: "
            f"{len(paths)} of {len(SOURCES)} hashes, {len(entities)} entities where {len(ENTITIES)} belong"
        )


async def run_round(make_store, seed: int, callers: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "index.db")
        writer = await AsyncConnection(db).open()
        for statement in SCHEMA:
            await writer.execute(statement)
        await writer.commit()
        for path, text in SOURCES.items():  # a consistent index to start from
            await writer.execute("INSERT INTO hashes VALUES (?, ?)", (path, digest(text)))
            for name in extract_names(text):
                await writer.execute("INSERT INTO entities VALUES (?, ?)", (path, name))
        await writer.commit()
        reader = await AsyncConnection(db).open()
        writer.on_commit = lambda: check_snapshot(reader)  # every committed state is checked
        store = make_store(writer, SOURCES)

        start = asyncio.Event()
        completed: list[tuple[str, str | None, str | None]] = []
        plan = [
            ("rebuild", None, None) if rng.random() < 0.3
            else ("set_hash", rng.choice(list(SOURCES)), f"h{seed}-{n}")
            for n in range(callers)
        ]

        async def caller(op: str, path: str | None, value: str | None) -> None:
            await start.wait()
            for _ in range(rng.randrange(4)):
                await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
            if op == "rebuild":
                await store.rebuild()
            else:
                await store.set_hash(path, value)
            completed.append((op, path, value))  # no await since the call returned: completion order

        tasks = [asyncio.create_task(caller(*step), name=f"caller-{n}") for n, step in enumerate(plan)]
        start.set()
        await asyncio.gather(*tasks)

        expected = {path: digest(text) for path, text in SOURCES.items()}
        for op, path, value in completed:
            if op == "rebuild":
                expected = {p: digest(t) for p, t in SOURCES.items()}
            else:
                expected[path] = value
        writer.on_commit = None
        actual = dict(await reader.fetchall("SELECT path, hash FROM hashes"))
        if actual != expected:
            lost = sorted(p for p in expected if actual.get(p) != expected[p])
            raise InvariantBroken(f"seed {seed}: final hashes differ from a serial replay for {lost}")
        if len(completed) != callers:
            raise InvariantBroken(f"seed {seed}: {callers - len(completed)} caller(s) never returned")
        await reader.close()
        await writer.close()
        return {"rebuild": sum(op == "rebuild" for op, *_ in plan), "set_hash": sum(op == "set_hash" for op, *_ in plan)}


async def run_workload(make_store, callers: int = 100, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked."""
    rounds = [await run_round(make_store, seed, callers) for seed in seeds]
    return {
        "callers": callers * len(seeds),
        "concurrent": callers,
        "seeds": list(seeds),
        "rebuild": sum(r["rebuild"] for r in rounds),
        "set_hash": sum(r["set_hash"] for r in rounds),
        "invariants": ["a complete index after every commit, seen from a second connection", "final hashes equal a serial replay", "every caller returned"],
    }
