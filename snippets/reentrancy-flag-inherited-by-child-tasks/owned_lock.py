"""A reentrant asyncio lock done right: the owner is the task, kept on the lock, so child tasks do not inherit it.

The task that holds the lock may take it again (the depth counts how often); any other task,
a child of the holder included, waits. Used by owner_token.py.
"""
import asyncio
from contextlib import asynccontextmanager


# region lock
class OwnedLock:
    """A lock its holding task may take again; other tasks wait, its children too."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._depth = 0

    @asynccontextmanager
    async def hold(self):
        me = asyncio.current_task()
        # The owner is a task, stored on the lock: nothing to inherit.
        if self._owner is me:  # ✓
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
