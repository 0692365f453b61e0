"""A lock held across put() on a full queue: the consumers that would make room wait for that lock.

Run it with `python3 failure.py` next to workload.py. It never finishes and prints nothing:
the fifth producer holds the pipeline's lock while it waits for room in the full queue, and
every consumer waits for the lock before it can take an item. Stop it with Ctrl-C.
"""
import asyncio

from workload import Journal, run_workload


# region pipeline
class Pipeline:
    """Items passed through a bounded queue, each step journaled."""

    def __init__(self, journal: Journal, size: int) -> None:
        self._journal = journal
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=size)
        # One journal record at a time, and the journal agrees with the queue:
        self._lock = asyncio.Lock()

    async def submit(self, item: str | None) -> None:
        async with self._lock:
            await self._journal.record("submitted", item)
            # Waits for room while holding the lock take() needs:
            await self._queue.put(item)  # ❌

    async def take(self) -> str | None:
        async with self._lock:
            # Waits for an item while holding the lock submit() needs:
            item = await self._queue.get()  # ❌
            await self._journal.record("taken", item)
        return item
# endregion pipeline


async def main() -> dict:
    return await run_workload(Pipeline)


if __name__ == "__main__":
    print(asyncio.run(main()))
