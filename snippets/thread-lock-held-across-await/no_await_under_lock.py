"""Keep the thread lock, never await while holding it: for a cache that threads read too.

Run it with `python3 no_await_under_lock.py` next to auth.py. It finishes in well under a
second and prints what the workload ran and checked: the same 100 concurrent coroutines per
round as solution.py, while a thread reads the token under the same lock.
"""
import asyncio
import threading

from auth import AuthServer, run_workload


class TokenCache:
    """One access token, shared by coroutines on the loop and read by other threads."""

    def __init__(self, server: AuthServer) -> None:
        self._server = server
        self._lock = threading.Lock()  # for the threads; held only for a few plain statements
        self._token: str | None = None
        self._pending: asyncio.Task[str] | None = None  # the one request in flight

    # region cache
    async def get_token(self) -> str:
        with self._lock:  # ✓ no await inside: nothing else runs on this thread meanwhile
            if self._token is not None:
                return self._token
            if self._pending is None:
                self._pending = asyncio.ensure_future(self._server.fetch_token())
            pending = self._pending
        token = await pending  # ✓ awaited with no lock held
        with self._lock:
            if self._pending is pending:
                self._token, self._pending = token, None
        return token

    def current(self) -> str | None:
        """For other threads: the token, if one has been fetched."""
        with self._lock:
            return self._token
    # endregion cache

    def clear(self) -> None:
        with self._lock:
            self._token = None


async def main() -> dict:
    caches: list[TokenCache] = []
    stop = threading.Event()
    seen: set[str | None] = set()

    def make_cache(server: AuthServer) -> TokenCache:
        caches.append(TokenCache(server))
        return caches[-1]

    def reader() -> None:  # another thread reading the shared cache while the rounds run
        while not stop.wait(0.0005):  # a read every half millisecond
            if caches:
                seen.add(caches[0].current())

    thread = threading.Thread(target=reader, name="reader")
    thread.start()
    try:
        summary = await run_workload(make_cache)
    finally:
        stop.set()
        thread.join(timeout=1)
    if not seen <= {None} | {f"token-{n}" for n in range(1, 5)}:
        raise AssertionError(f"the reader thread saw {sorted(map(str, seen))}")
    return {**summary, "invariants": [*summary["invariants"], "a reader thread only ever sees a fetched token"]}


if __name__ == "__main__":
    print(asyncio.run(main()))
