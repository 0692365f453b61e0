"""The workload every Pipeline variant of this trap runs under.

100 concurrent producers submit 3 items each into a pipeline whose queue holds 4 items, and 4
consumers take them, with seeded random yield points between one submit (or take) and the
next, four times with different seeds. The producers start first, as they do when a burst of
requests arrives. It checks what the pipeline's lock and queue exist to protect:

1. one journal record at a time: the journal refuses a write while another is in progress;
2. every item is journaled "submitted" before "taken", once each, and taken exactly once;
3. every producer and consumer returns.
"""
import asyncio
import random

PRODUCERS = 100
ITEMS_EACH = 3
CONSUMERS = 4
QUEUE_SIZE = 4
STOP = None  # what a consumer takes to know it is done


class InvariantBroken(AssertionError):
    """The pipeline interleaved journal records, lost an item or delivered one twice."""


class Journal:
    """An append-only log: a record is a write and a flush (an await), one record at a time."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str]] = []
        self._writing: str | None = None

    async def record(self, event: str, item: str) -> None:
        me = asyncio.current_task().get_name()
        if self._writing is not None:
            raise InvariantBroken(f"{me} wrote to the journal while {self._writing} was writing: records interleaved")
        self._writing = me
        await asyncio.sleep(0)  # the flush
        self.records.append((event, item))
        self._writing = None


async def run_round(make_pipeline, seed: int) -> dict:
    rng = random.Random(seed)
    journal = Journal()
    pipeline = make_pipeline(journal, QUEUE_SIZE)
    taken: list[str] = []

    async def producer(n: int) -> None:
        for i in range(ITEMS_EACH):
            if i:
                for _ in range(rng.randrange(3)):
                    await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
            await pipeline.submit(f"item {n}.{i}")

    async def consumer() -> None:
        while (item := await pipeline.take()) is not STOP:
            taken.append(item)
            for _ in range(rng.randrange(3)):
                await asyncio.sleep(0)  # the work on the item

    producers = [asyncio.create_task(producer(n), name=f"producer-{n}") for n in range(PRODUCERS)]
    consumers = [asyncio.create_task(consumer(), name=f"consumer-{n}") for n in range(CONSUMERS)]
    await asyncio.gather(*producers)
    for _ in consumers:
        await pipeline.submit(STOP)
    await asyncio.gather(*consumers)

    submitted = sorted(f"item {n}.{i}" for n in range(PRODUCERS) for i in range(ITEMS_EACH))
    if sorted(taken) != submitted:
        raise InvariantBroken(f"seed {seed}: {len(taken)} items taken for {len(submitted)} submitted, or some taken twice")
    seen: dict[str, list[str]] = {}
    for event, item in journal.records:
        if item is not STOP:
            seen.setdefault(item, []).append(event)
    wrong = sorted(item for item in submitted if seen.get(item) != ["submitted", "taken"])
    if wrong:
        raise InvariantBroken(f"seed {seed}: journal out of order for {wrong[:3]}: {[seen.get(i) for i in wrong[:3]]}")
    return {"items": len(taken)}


async def run_workload(make_pipeline, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs the producers and consumers against a fresh Pipeline per seed; returns what ran and was checked."""
    rounds = []
    for seed in seeds:  # one after another: a failing round stops the run
        rounds.append(await run_round(make_pipeline, seed))
    return {
        "producers": PRODUCERS * len(seeds),
        "concurrent": PRODUCERS + CONSUMERS,
        "consumers": CONSUMERS,
        "queue_size": QUEUE_SIZE,
        "seeds": list(seeds),
        "items": sum(r["items"] for r in rounds),
        "invariants": ["one journal record at a time", "each item journaled submitted, then taken, once", "every item taken exactly once", "every producer and consumer returned"],
    }
