"""sqlite3 for asyncio, standard library only: every call runs on one worker thread.

This is how aiosqlite works: the event loop stays free while the database works,
and every `await` on the connection is a point where other tasks run.
"""
import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor


class AsyncConnection:
    """One sqlite3 connection, driven from coroutines through a single worker thread."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None
        # Awaited after every commit, so that a workload can look at each committed state.
        self.on_commit = None

    async def _run(self, fn, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, *args)

    async def open(self) -> "AsyncConnection":
        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(self._path, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")  # readers on other connections see committed states
            conn.execute("PRAGMA synchronous=NORMAL")  # an index can be rebuilt: no fsync per commit
            return conn

        self._conn = await self._run(connect)
        return self

    async def execute(self, sql: str, params: tuple = ()) -> None:
        await self._run(self._conn.execute, sql, params)

    async def fetchall(self, sql: str, params: tuple = ()) -> list[tuple]:
        return await self._run(lambda: self._conn.execute(sql, params).fetchall())

    async def commit(self) -> None:
        await self._run(self._conn.commit)
        if self.on_commit is not None:
            await self.on_commit()

    async def close(self) -> None:
        await self._run(self._conn.close)
        self._executor.shutdown(wait=True)
