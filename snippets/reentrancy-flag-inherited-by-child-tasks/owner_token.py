"""A reentrant asyncio lock done right: the owner is the task, kept on the lock, so child tasks do not inherit it.

The task that holds the lock may take it again (the depth counts how often); any other task,
a child of the holder included, waits. set_many() calls set_hash() one at a time from its own
task, so each nested call re-enters the lock.

Run it with `python3 owner_token.py` next to workload.py. It finishes in well under a second
and prints what the workload ran and checked.
"""
import asyncio
from contextlib import asynccontextmanager

from workload import Connection, run_workload


# region lock
class OwnedLock:
    """An asyncio lock the holding task may take again; every other task waits, its children included."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._depth = 0

    @asynccontextmanager
    async def hold(self):
        me = asyncio.current_task()
        if self._owner is me:  # ✓ the owner is a task, stored on the lock: nothing to inherit
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        async with self._lock:
            self._owner, self._depth = me, 1
            try:
                yield
            finally:
                self._owner, self._depth = None, 0
# endregion lock


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
            for path, hash in items:
                await self.set_hash(path, hash)  # re-enters from the same task: depth 2
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
