"""Check-then-act across an await: every caller that checks before the first fetch returns fetches too.

Run it with `python3 failure.py` next to workload.py. It raises InvariantBroken: with 100
callers asking for 5 keys at once, each key is fetched once per caller that asked for it,
because each of them found the key missing before the first fetch came back.
"""
import asyncio

from workload import Fetch, run_workload


# region cache
class Cache:
    """Values fetched from a slow service, kept after the first fetch."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._values: dict[str, str] = {}

    async def get(self, key: str) -> str:
        if key not in self._values:  # check...
            # ...act after an await: every caller that checked meanwhile fetches too
            self._values[key] = await self._fetch(key)  # ❌
        return self._values[key]
# endregion cache


async def main() -> dict:
    return await run_workload(Cache)


if __name__ == "__main__":
    print(asyncio.run(main()))
