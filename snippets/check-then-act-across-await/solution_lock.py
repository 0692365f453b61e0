"""A lock per key, and the check done again under it: the callers queued behind the fetch find the value.

Run it with `python3 solution_lock.py` next to workload.py. It finishes in well under a second
and prints what the workload ran and checked: one fetch per key, however many callers asked.
"""
import asyncio

from workload import Fetch, run_workload


# region cache
class Cache:
    """Values fetched from a slow service, kept after the first fetch."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._values: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}

# region get
    async def get(self, key: str) -> str:
        if key in self._values:  # the fast path: no lock once the value is there
            return self._values[key]
        # One lock per key: other keys are not held up.
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            # Check again: the caller before us may have fetched it.
            if key not in self._values:  # ✓
                self._values[key] = await self._fetch(key)
        return self._values[key]
# endregion get
# endregion cache


async def main() -> dict:
    return await run_workload(Cache)


if __name__ == "__main__":
    print(asyncio.run(main()))
