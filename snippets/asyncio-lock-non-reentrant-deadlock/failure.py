"""asyncio.Lock is not reentrant: rebuild() holds the lock and calls set_hash(), which takes it again.

Run it with `python3 failure.py` next to aiodb.py and workload.py. It never
finishes and prints nothing: the first rebuild() waits for a lock it holds
itself, and every other caller queues behind it. Stop it with Ctrl-C.
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
        async with self._lock:  # Acquires lock
            await self._conn.execute(
                "INSERT INTO hashes (path, hash) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
                (path, hash),
            )
            await self._conn.commit()

    async def rebuild(self) -> None:
        async with self._lock:  # Acquires lock
            await self._delete_all()
            await self._extract_entities()
            for path, text in self._sources.items():
                await self.set_hash(path, digest(text))  # ❌ DEADLOCK — lock already held
            await self._conn.commit()

    async def _delete_all(self) -> None:
        await self._conn.execute("DELETE FROM entities")
        await self._conn.execute("DELETE FROM hashes")

    async def _extract_entities(self) -> None:
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
