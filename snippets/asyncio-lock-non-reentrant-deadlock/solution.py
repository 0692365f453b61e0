"""The public / _locked pattern: public methods take the lock, internal _locked methods assume it is held.

Run it with `python3 solution.py` next to aiodb.py and workload.py. It finishes
in well under a second and prints what the workload ran and checked.
"""
import asyncio

from aiodb import AsyncConnection
from workload import digest, extract_names, run_workload


# region store
class Store:
    """An index of source files: a content hash per file and the entities defined in it."""

    def __init__(self, conn: AsyncConnection, sources: dict[str, str]) -> None:
        self._conn = conn
        self._sources = sources
        self._lock = asyncio.Lock()

    async def set_hash(self, path: str, hash: str) -> None:
        """Public API — acquires lock."""
        async with self._lock:
            await self._set_hash_locked(path, hash)
            await self._conn.commit()

    async def _set_hash_locked(self, path: str, hash: str) -> None:
        """Internal — caller MUST hold _lock."""
        await self._conn.execute(
            "INSERT INTO hashes (path, hash) VALUES (?, ?) "
            "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
            (path, hash),
        )

    async def rebuild(self) -> None:
        async with self._lock:
            await self._delete_all_locked()
            await self._extract_entities_locked()
            for path, text in self._sources.items():
                await self._set_hash_locked(path, digest(text))  # ✓ No deadlock
            await self._conn.commit()

    async def _delete_all_locked(self) -> None:
        """Internal — caller MUST hold _lock."""
        await self._conn.execute("DELETE FROM entities")
        await self._conn.execute("DELETE FROM hashes")

    async def _extract_entities_locked(self) -> None:
        """Internal — caller MUST hold _lock."""
        for path, text in self._sources.items():
            for name in extract_names(text):
                await self._conn.execute(
                    "INSERT INTO entities (path, name) VALUES (?, ?)", (path, name)
                )
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
