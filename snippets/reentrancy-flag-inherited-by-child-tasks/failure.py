"""A "lock already held" flag in a ContextVar: gather() copies it into every child, and they all walk past the lock.

The flag was added to stop the seed's deadlock (a locked method calling another locked method).
It works while one task nests calls. Here set_many() holds the lock and fans out set_hash()
with asyncio.gather(): each child task starts with a copy of its parent's context, flag
included, so every child skips the lock and they run their transactions at the same time.

Run it with `python3 failure.py` next to workload.py. It raises InvariantBroken: the
connection sees a second transaction begin while the first is still open.
"""
import asyncio
from contextlib import asynccontextmanager
from contextvars import ContextVar

from workload import Connection, run_workload

# region store
_lock_held: ContextVar[bool] = ContextVar("lock_held", default=False)


class Store:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def _locked(self):
        # A child task sees its parent's flag too:
        if _lock_held.get():  # ❌
            yield
            return
        async with self._lock:
            token = _lock_held.set(True)
            try:
                yield
            finally:
                _lock_held.reset(token)

    async def set_hash(self, path: str, hash: str) -> None:
        async with self._locked():
            await self._conn.begin()
            await self._conn.execute(path, hash)
            await self._conn.commit()

    async def set_many(self, items: list[tuple[str, str]]) -> None:
        # No other writer between our writes, and all of ours at once:
        async with self._locked():
            await asyncio.gather(*(self.set_hash(p, h) for p, h in items))
# endregion store


async def main() -> dict:
    return await run_workload(Store)


if __name__ == "__main__":
    print(asyncio.run(main()))
