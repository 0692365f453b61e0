"""A lock leaked on an early return: get() returns a cached value between acquire() and its try/finally.

Run it with `python3 failure.py` next to wire.py. It never finishes and prints nothing. The
first get("a") fetches and releases the lock; the second is a cache hit and returns with the
lock still held, and its task finishes. The third request waits for a lock whose owner is
gone. Stop it with Ctrl-C.
"""
import asyncio

from wire import Wire


class Client:
    """A key-value client with a cache, on one connection: one command on the wire at a time."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._lock = asyncio.Lock()
        self._cache: dict[str, str] = {}

    # region client
    async def get(self, key: str) -> str:
        await self._lock.acquire()
        if key in self._cache:
            return self._cache[key]  # ❌ returns with the lock held
        try:
            value = await self._wire.roundtrip(f"GET {key}")
            self._cache[key] = value
            return value
        finally:
            self._lock.release()
    # endregion client

    def locked(self) -> bool:
        return self._lock.locked()


async def main() -> list[str]:
    client = Client(Wire())
    # Three requests, each handled by its own task, one after the other.
    # 1: fetched from the server; the finally releases the lock.
    first = await asyncio.create_task(client.get("a"), name="request-1")
    # 2: a cache hit; returns before the try, and its task finishes holding the lock.
    second = await asyncio.create_task(client.get("a"), name="request-2")
    # 3: waits for a lock nobody will release.
    third = await asyncio.create_task(client.get("b"), name="request-3")
    return [first, second, third]


if __name__ == "__main__":
    print(asyncio.run(main()))
