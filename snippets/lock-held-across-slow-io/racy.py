"""The I/O moved out of the lock without a version check: a fetch that started before a set() overwrites it.

Run it with `python3 racy.py` next to workload.py. It meets the deadline, then raises
InvariantBroken: a value fetched before a set() was saved after it, so the set() is lost.
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

# region refresh
    async def refresh(self, key: str) -> None:
        value = await self._remote.fetch(key)  # fast now: no lock held
        async with self._lock:
            # Saved even if a set() landed during the fetch:
            await self._save_locked(key, value)  # ❌
# endregion refresh

    async def set(self, key: str, value: Value) -> None:
        async with self._lock:
            await self._save_locked(key, value)

    async def _save_locked(self, key: str, value: Value) -> None:
        """Internal — caller MUST hold _lock."""
        await self._db.save(key, value)
        self._values[key] = value
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
