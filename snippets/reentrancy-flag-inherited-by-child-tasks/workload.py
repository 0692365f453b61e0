"""The workload every Store variant of this trap runs under.

100 concurrent callers mix set_hash() (one file) and set_many() (every file, as one batch) in
a seeded random order and at seeded random yield points, four times with different seeds,
against one database connection. It checks what the lock exists to protect:

1. one transaction at a time: the connection refuses a second BEGIN while a transaction is
   open, the way one database connection has one transaction at a time;
2. no lost writes: the final hashes are those of replaying the completed calls one at a time,
   in the order they completed;
3. every caller returns.
"""
import asyncio
import random

PATHS = [f"pkg/mod{i}.py" for i in range(4)]


class InvariantBroken(AssertionError):
    """The store let two tasks into its critical section at once, or lost a write."""


class Connection:
    """One database connection: one transaction at a time. Every call is a round trip (an await)."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self._open_by: str | None = None
        self._writes: dict[str, str] = {}

    async def begin(self) -> None:
        me = asyncio.current_task().get_name()
        if self._open_by is not None:
            raise InvariantBroken(
                f"{me} began a transaction while {self._open_by} still had one open: "
                f"two tasks inside the critical section at once"
            )
        self._open_by = me
        await asyncio.sleep(0)

    async def execute(self, path: str, hash: str) -> None:
        self._writes[path] = hash
        await asyncio.sleep(0)

    async def commit(self) -> None:
        self.rows.update(self._writes)
        self._writes = {}
        self._open_by = None
        await asyncio.sleep(0)


async def run_round(make_store, seed: int, callers: int) -> dict:
    rng = random.Random(seed)
    conn = Connection()
    store = make_store(conn)
    start = asyncio.Event()
    completed: list[list[tuple[str, str]]] = []
    plan = [
        ("set_many", [(path, f"h{seed}-{n}-{i}") for i, path in enumerate(PATHS)]) if rng.random() < 0.2
        else ("set_hash", [(rng.choice(PATHS), f"h{seed}-{n}")])
        for n in range(callers)
    ]

    async def caller(op: str, items: list[tuple[str, str]]) -> None:
        await start.wait()
        for _ in range(rng.randrange(4)):
            await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
        if op == "set_many":
            await store.set_many(items)
        else:
            await store.set_hash(*items[0])
        completed.append(items)  # no await since the call returned: completion order

    tasks = [asyncio.create_task(caller(*step), name=f"caller-{n}") for n, step in enumerate(plan)]
    start.set()
    await asyncio.gather(*tasks)

    expected: dict[str, str] = {}
    for items in completed:
        expected.update(items)
    if conn.rows != expected:
        lost = sorted(p for p in expected if conn.rows.get(p) != expected[p])
        raise InvariantBroken(f"seed {seed}: final hashes differ from a serial replay for {lost}")
    if len(completed) != callers:
        raise InvariantBroken(f"seed {seed}: {callers - len(completed)} caller(s) never returned")
    return {"set_many": sum(op == "set_many" for op, _ in plan), "set_hash": sum(op == "set_hash" for op, _ in plan)}


async def run_workload(make_store, callers: int = 100, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked."""
    rounds = []
    for seed in seeds:  # one after another: a failing round stops the run
        rounds.append(await run_round(make_store, seed, callers))
    return {
        "callers": callers * len(seeds),
        "concurrent": callers,
        "seeds": list(seeds),
        "set_many": sum(r["set_many"] for r in rounds),
        "set_hash": sum(r["set_hash"] for r in rounds),
        "invariants": ["one transaction at a time on the connection", "final hashes equal a serial replay", "every caller returned"],
    }
