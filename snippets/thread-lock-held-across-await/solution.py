"""asyncio.Lock in async code: a waiting coroutine suspends, and the holder resumes and releases the lock.

Run it with `python3 solution.py` next to auth.py. It finishes in well under a second and
prints what the workload ran and checked: 100 coroutines at once ask an empty cache for a token,
four times, and exactly one request per round reaches the server.
"""
import asyncio

from auth import AuthServer, run_workload


class TokenCache:
    """One access token, fetched on first use and shared by every caller."""

    # region cache
    def __init__(self, server: AuthServer) -> None:
        self._server = server
        self._lock = asyncio.Lock()  # ✓ waiting for it suspends the coroutine, not the thread
        self._token: str | None = None

    async def get_token(self) -> str:
        async with self._lock:
            if self._token is None:
                self._token = await self._server.fetch_token()  # other coroutines run meanwhile
            return self._token
    # endregion cache

    def clear(self) -> None:
        self._token = None


async def main() -> dict:
    return await run_workload(TokenCache)


if __name__ == "__main__":
    print(asyncio.run(main()))
