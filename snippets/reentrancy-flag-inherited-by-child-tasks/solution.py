"""The seed's public / _locked pair: no flag to inherit, and one task doing the writes under the lock.

Run it with `python3 solution.py` next to workload.py. It finishes in well under a second and
prints what the workload ran and checked.
"""
import asyncio

from workload import Connection, run_workload


# region store
class Store:
    """Content hashes per file, written to one database connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    async def set_hash(self, path: str, hash: str) -> None:
        """Public API — acquires lock."""
        async with self._lock:
            await self._conn.begin()
            await self._set_hash_locked(path, hash)
            await self._conn.commit()

    async def set_many(self, items: list[tuple[str, str]]) -> None:
        """Public API — acquires lock; one transaction for the batch."""
        async with self._lock:
            await self._conn.begin()
            for path, hash in items:
                # One task, one write at a time:
                await self._set_hash_locked(path, hash)  # ✓
            await self._conn.commit()

    async def _set_hash_locked(self, path: str, hash: str) -> None:
        """Internal — caller MUST hold _lock."""
        await self._conn.execute(path, hash)
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
