"""The lock released before every queue operation: waiting for room or for an item holds nothing.

Run it with `python3 solution.py` next to workload.py. It finishes in well under a second and
prints what the workload ran and checked.
"""
import asyncio

from workload import Journal, run_workload


# region pipeline
class Pipeline:
    """Items passed through a bounded queue, each step journaled."""

    def __init__(self, journal: Journal, size: int) -> None:
        self._journal = journal
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=size)
        self._lock = asyncio.Lock()  # one journal record at a time

    async def submit(self, item: str | None) -> None:
        async with self._lock:
            await self._journal.record("submitted", item)
        # No lock held while waiting for room:
        await self._queue.put(item)  # ✓

    async def take(self) -> str | None:
        # No lock held while waiting for an item:
        item = await self._queue.get()  # ✓
        async with self._lock:
            await self._journal.record("taken", item)
        return item
# endregion pipeline


async def main() -> dict:
    return await run_workload(Pipeline)


if __name__ == "__main__":
    print(asyncio.run(main()))
