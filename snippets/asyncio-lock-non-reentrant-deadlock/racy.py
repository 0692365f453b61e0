"""Before the lock: the original Store, with no lock at all, races under concurrent callers.

Run it with `python3 racy.py` next to aiodb.py and workload.py. It stops with
workload.InvariantBroken: a second connection sees a half-done rebuild, because
another caller's commit lands between rebuild()'s DELETE and its INSERTs.
This race is why the lock was added; failure.py shows what adding it naively does.
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

    async def set_hash(self, path: str, hash: str) -> None:
        await self._conn.execute(
            "INSERT INTO hashes (path, hash) VALUES (?, ?) "
            "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
            (path, hash),
        )
        await self._conn.commit()  # ❌ commits whatever any other caller has half-written

    async def rebuild(self) -> None:
        await self._delete_all()
        await self._extract_entities()
        for path, text in self._sources.items():
            await self.set_hash(path, digest(text))
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
