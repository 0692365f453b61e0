"""The workload every cache variant of this trap runs under.

100 concurrent callers ask for 5 keys in a seeded random order, after seeded random yield
points, four times with different seeds. The service behind the cache is slow: it answers
only once every caller of the round has asked for its key. That is the interleaving production
gets whenever a fetch takes longer than the gap between two callers, forced here with an
asyncio.Event instead of left to timing. It checks what the cache promises:

1. one fetch per key, however many callers ask for it at once;
2. every caller gets the value the service returned for its key;
3. every caller returns.
"""
import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable

KEYS = [f"user:{i}" for i in range(5)]

Fetch = Callable[[str], Awaitable[str]]


class InvariantBroken(AssertionError):
    """The cache did something no caller of a cache expects."""


class SlowService:
    """The service behind the cache: counts fetches per key, answers once told to."""

    def __init__(self) -> None:
        self.fetches: Counter[str] = Counter()
        self._answer = asyncio.Event()

    async def fetch(self, key: str) -> str:
        self.fetches[key] += 1
        await self._answer.wait()  # the network round trip: over only when the round says so
        return f"value of {key}"

    def answer(self) -> None:
        self._answer.set()


async def run_round(make_cache, seed: int, callers: int) -> dict:
    rng = random.Random(seed)
    service = SlowService()
    cache = make_cache(service.fetch)
    plan = [rng.choice(KEYS) for _ in range(callers)]
    got: dict[int, str] = {}
    asked = 0
    everyone_asked = asyncio.Event()

    async def caller(n: int, key: str) -> None:
        nonlocal asked
        for _ in range(rng.randrange(3)):
            await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
        asked += 1
        if asked == callers:
            everyone_asked.set()  # runs on: this caller reaches its first await in get() before the round resumes
        got[n] = await cache.get(key)

    tasks = [asyncio.create_task(caller(n, key), name=f"caller-{n}") for n, key in enumerate(plan)]
    await everyone_asked.wait()  # every caller is now inside get(), waiting
    service.answer()
    await asyncio.gather(*tasks)

    askers = Counter(plan)
    for key, count in sorted(service.fetches.items()):
        if count != 1:
            raise InvariantBroken(
                f"seed {seed}: {key!r} was fetched {count} times for {askers[key]} concurrent callers; "
                f"a cache fetches each key once"
            )
    wrong = sorted(n for n, key in enumerate(plan) if got.get(n) != f"value of {key}")
    if wrong:
        raise InvariantBroken(f"seed {seed}: callers {wrong} did not get the value of their key")
    return {"fetches": sum(service.fetches.values())}


async def run_workload(make_cache, callers: int = 100, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs `callers` concurrent callers against a fresh cache per seed; returns what ran and was checked."""
    rounds = []
    for seed in seeds:  # one after another: a failing round stops the run
        rounds.append(await run_round(make_cache, seed, callers))
    return {
        "callers": callers * len(seeds),
        "concurrent": callers,
        "seeds": list(seeds),
        "keys": len(KEYS),
        "fetches": sum(r["fetches"] for r in rounds),
        "invariants": ["one fetch per key", "every caller got its key's value", "every caller returned"],
    }
