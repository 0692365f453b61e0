"""A threading.Lock held across await: the second coroutine that asks for it blocks the whole event loop.

Run it with `python3 failure.py` next to auth.py. It never finishes and prints nothing. The
first caller takes the thread lock and awaits the token server. The second caller asks for the
same lock: threading.Lock.acquire() blocks the thread, and the thread is the event loop's, so
the first caller never resumes to release it. Nothing else on the loop runs again, not even the
timer that would deliver the server's reply. Ctrl-C does not stop it either: asyncio.run()'s
Ctrl-C handler only schedules a cancellation on the blocked loop. Kill the process.
"""
import asyncio
import threading

from auth import AuthServer


class TokenCache:
    """One access token, fetched on first use and shared by every caller."""

    # region cache
    def __init__(self, server: AuthServer) -> None:
        self._server = server
        self._lock = threading.Lock()  # ❌ a thread lock in async code
        self._token: str | None = None

    async def get_token(self) -> str:
        with self._lock:  # blocks the event-loop thread while another coroutine holds it
            if self._token is None:
                self._token = await self._server.fetch_token()  # ❌ suspended holding the lock
            return self._token
    # endregion cache

    def clear(self) -> None:
        self._token = None


async def main() -> list[str]:
    server = AuthServer()
    cache = TokenCache(server)
    # region callers
    first = asyncio.create_task(cache.get_token(), name="first")

    async def second_caller() -> str:
        await server.request_sent.wait()  # the first caller holds the lock and awaits the server
        return await cache.get_token()

    second = asyncio.create_task(second_caller(), name="second")
    return await asyncio.gather(first, second)
    # endregion callers


if __name__ == "__main__":
    print(asyncio.run(main()))
