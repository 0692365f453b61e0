"""The owner-token lock with set_many() fanning out again: the children are not the owner, so they wait for it.

set_many() holds the lock and gathers set_hash() children. They are other tasks, so the lock
makes them wait for its owner, set_many(), which waits for them. No child is let in: the
mistake is now a deadlock the engine proves at once, not a silent overlap.

Run it with `python3 owner_token_gather.py` next to workload.py and owned_lock.py. It never
finishes and prints nothing. Stop it with Ctrl-C.
"""
import asyncio

from owned_lock import OwnedLock
from workload import Connection, run_workload


# region store
class Store:
    """Content hashes per file, written to one database connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = OwnedLock()

    async def set_hash(self, path: str, hash: str) -> None:
        async with self._lock.hold():
            await self._conn.begin()
            await self._conn.execute(path, hash)
            await self._conn.commit()

    async def set_many(self, items: list[tuple[str, str]]) -> None:
        async with self._lock.hold():
            # The children wait for the lock, held by their parent:
            await asyncio.gather(*(self.set_hash(p, h) for p, h in items))  # ❌
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
