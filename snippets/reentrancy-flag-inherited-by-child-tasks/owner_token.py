"""An owner-token lock (owned_lock.py): set_many() re-enters it from its own task, one call at a time.

Run it with `python3 owner_token.py` next to workload.py and owned_lock.py. It finishes in
well under a second and prints what the workload ran and checked.
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

# region set_many
    async def set_many(self, items: list[tuple[str, str]]) -> None:
        async with self._lock.hold():
            for path, hash in items:
                await self.set_hash(path, hash)  # re-enters from the same task: depth 2
# endregion set_many
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
