"""Copy under the lock, do the I/O outside it, write back under it if nothing changed meanwhile.

Run it with `python3 solution.py` next to workload.py. It finishes in well under a second
(the round trips overlap: about one latency per round) and prints what it ran and checked.
"""
import asyncio

from workload import LocalDb, Remote, Value, run_workload


# region store
class Store:
    """A local copy of remote values: refreshed on demand, written locally."""

    def __init__(self, remote: Remote, db: LocalDb) -> None:
        self._remote = remote
        self._db = db
        self._lock = asyncio.Lock()
        self._values: dict[str, Value] = {}
        self._versions: dict[str, int] = {}

# region writes
    async def refresh(self, key: str) -> None:
        # 1. Copy what the I/O needs (here, the version) under the lock.
        async with self._lock:
            seen = self._versions.get(key, 0)
        # 2. The slow I/O, with no lock held.
        value = await self._remote.fetch(key)
        # 3. Write back under the lock, only if nothing was written meanwhile.
        async with self._lock:
            if self._versions.get(key, 0) != seen:  # ✓
                return  # a newer value landed during the fetch: it wins
            await self._save_locked(key, value)

    async def set(self, key: str, value: Value) -> None:
        async with self._lock:
            await self._save_locked(key, value)

    async def _save_locked(self, key: str, value: Value) -> None:
        """Internal — caller MUST hold _lock."""
        await self._db.save(key, value)
        self._values[key] = value
        self._versions[key] = self._versions.get(key, 0) + 1
# endregion writes
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
