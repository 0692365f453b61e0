"""Single flight: the first caller for a key starts the fetch; every caller awaits that one fetch.

Run it with `python3 solution.py` next to workload.py. It finishes in well under a second and
prints what the workload ran and checked: one fetch per key, however many callers asked.
"""
import asyncio

from workload import Fetch, run_workload


# region cache
class Cache:
    """Values fetched from a slow service, kept after the first fetch."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._values: dict[str, str] = {}
        self._in_flight: dict[str, asyncio.Task[str]] = {}

# region flight
    async def get(self, key: str) -> str:
        if key in self._values:
            return self._values[key]
        flight = self._in_flight.get(key)
        # No await between this check and the line that claims the key:
        if flight is None:  # ✓
            flight = asyncio.create_task(self._fetch_once(key), name=f"fetch {key}")
            self._in_flight[key] = flight
        # shield: a caller that is cancelled does not cancel the others' fetch
        return await asyncio.shield(flight)

    async def _fetch_once(self, key: str) -> str:
        try:
            value = await self._fetch(key)
            self._values[key] = value
            return value
        finally:
            del self._in_flight[key]  # after a failure, the next caller fetches again
# endregion flight
# endregion cache


async def main() -> dict:
    return await run_workload(Cache)


if __name__ == "__main__":
    print(asyncio.run(main()))
