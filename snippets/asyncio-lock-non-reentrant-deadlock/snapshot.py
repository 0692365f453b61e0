"""The snapshot pattern: copy under the lock, compute outside it, then one short locked write.

Run it with `python3 snapshot.py` next to aiodb.py and workload.py. It finishes in well
under a second and prints what the workload ran and checked. rebuild() never holds the
lock while it computes, and its locked write calls no public method, so nothing nests.
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
        async with self._lock:
            await self._conn.execute(
                "INSERT INTO hashes (path, hash) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
                (path, hash),
            )
            await self._conn.commit()

    async def rebuild(self) -> None:
        async with self._lock:  # 1. copy what rebuild() needs, under the lock
            sources = dict(self._sources)

        # 2. compute with no lock held: slow work here (parsing, file I/O) never holds up other callers
        entities = [(path, name) for path, text in sources.items() for name in extract_names(text)]
        hashes = [(path, digest(text)) for path, text in sources.items()]

        async with self._lock:  # 3. ✓ one short write that calls no public method, one commit
            await self._conn.execute("DELETE FROM entities")
            await self._conn.execute("DELETE FROM hashes")
            for row in entities:
                await self._conn.execute("INSERT INTO entities (path, name) VALUES (?, ?)", row)
            for row in hashes:
                await self._conn.execute("INSERT INTO hashes (path, hash) VALUES (?, ?)", row)
            await self._conn.commit()
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
