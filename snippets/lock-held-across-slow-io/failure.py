"""A lock held across a network round trip: every caller queues behind one fetch at a time.

Run it with `python3 failure.py` next to workload.py. It raises InvariantBroken: with about 50
refreshes of 20 ms each done one at a time, the work needs about a second and misses its
500 ms deadline; the message shows one caller in its fetch and the rest queued behind it.
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

    async def refresh(self, key: str) -> None:
        async with self._lock:
            # The lock is held for a network round trip:
            value = await self._remote.fetch(key)  # ❌
            await self._save_locked(key, value)

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
