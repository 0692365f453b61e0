"""The workload every Store variant of this trap runs under.

100 concurrent callers mix refresh() (fetch a key's value from a remote service: one network
round trip of LATENCY_S) and set() (write a key locally) over 10 keys, in a seeded random order
and at seeded random yield points, four times with different seeds. It checks:

1. the deadline: every caller returns within DEADLINE_S. Done concurrently, the round trips
   take about one LATENCY_S; done one after another, N refreshes take N x LATENCY_S;
2. no stale write: a value is never saved over a newer one. Every value carries the logical
   time it was made (a set() call, or the start of a fetch); along each key's saves that time
   never goes back;
3. every caller returns.

The simulated network is a sleep: the sleep IS the I/O here, not a way to order tasks.
"""
import asyncio
import itertools
import random
from dataclasses import dataclass

KEYS = [f"user:{i}" for i in range(10)]
LATENCY_S = 0.020
DEADLINE_S = 0.500


class InvariantBroken(AssertionError):
    """The store missed the deadline, or saved a value over a newer one."""


@dataclass(frozen=True)
class Value:
    made_at: int  # logical time: when set() was called, or when the fetch started
    source: str   # "set" or "fetched"


class Remote:
    """The remote service: one round trip per fetch. Knows which callers are in a fetch right now."""

    def __init__(self, clock: itertools.count) -> None:
        self._clock = clock
        self.in_flight: list[str] = []

    async def fetch(self, key: str) -> Value:
        value = Value(next(self._clock), "fetched")  # the service's state when the request arrives
        me = asyncio.current_task().get_name()
        self.in_flight.append(me)
        try:
            await asyncio.sleep(LATENCY_S)  # the network round trip
        finally:
            self.in_flight.remove(me)
        return value


class LocalDb:
    """The local database: a save is one turn of the event loop. Keeps every save, in order."""

    def __init__(self) -> None:
        self.saves: list[tuple[str, Value]] = []

    async def save(self, key: str, value: Value) -> None:
        await asyncio.sleep(0)
        self.saves.append((key, value))


def check_no_stale_write(seed: int, saves: list[tuple[str, Value]]) -> None:
    newest: dict[str, Value] = {}
    for key, value in saves:
        before = newest.get(key)
        if before is not None and value.made_at < before.made_at:
            raise InvariantBroken(
                f"seed {seed}: a value of {key!r} {value.source} at t={value.made_at} was saved over one "
                f"{before.source} at t={before.made_at}: the newer write is lost"
            )
        newest[key] = value


async def run_round(make_store, seed: int, callers: int) -> dict:
    rng = random.Random(seed)
    clock = itertools.count()
    remote, db = Remote(clock), LocalDb()
    store = make_store(remote, db)
    plan = [("refresh" if rng.random() < 0.5 else "set", rng.choice(KEYS)) for _ in range(callers)]
    start = asyncio.Event()

    async def caller(op: str, key: str) -> None:
        await start.wait()
        for _ in range(rng.randrange(4)):
            await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
        if op == "refresh":
            await store.refresh(key)
        else:
            await store.set(key, Value(next(clock), "set"))

    tasks = [asyncio.create_task(caller(*step), name=f"caller-{n}") for n, step in enumerate(plan)]
    start.set()
    done, pending = await asyncio.wait(tasks, timeout=DEADLINE_S)
    if pending:
        fetching = list(remote.in_flight)
        queued = sorted((t.get_name() for t in pending if t.get_name() not in fetching), key=lambda n: int(n.split("-")[1]))
        refreshes = sum(op == "refresh" for op, _ in plan)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        raise InvariantBroken(
            f"seed {seed}: {len(pending)} of {callers} callers missed the {DEADLINE_S * 1000:.0f} ms deadline. "
            f"In a network fetch: {', '.join(fetching) or 'nobody'}; queued behind it: {len(queued)} callers "
            f"({', '.join(queued[:3])}, ...). {refreshes} refreshes x {LATENCY_S * 1000:.0f} ms, one at a time, "
            f"need {refreshes * LATENCY_S * 1000:.0f} ms"
        )
    for task in done:
        task.result()  # a caller that raised fails the round
    check_no_stale_write(seed, db.saves)
    return {"refresh": sum(op == "refresh" for op, _ in plan), "set": sum(op == "set" for op, _ in plan)}


async def run_workload(make_store, callers: int = 100, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked."""
    rounds = []
    for seed in seeds:  # one after another: a failing round stops the run
        rounds.append(await run_round(make_store, seed, callers))
    return {
        "callers": callers * len(seeds),
        "concurrent": callers,
        "seeds": list(seeds),
        "refresh": sum(r["refresh"] for r in rounds),
        "set": sum(r["set"] for r in rounds),
        "latency_ms": LATENCY_S * 1000,
        "deadline_ms": DEADLINE_S * 1000,
        "invariants": [f"every caller returned within {DEADLINE_S * 1000:.0f} ms", "no value saved over a newer one", "every caller returned"],
    }
