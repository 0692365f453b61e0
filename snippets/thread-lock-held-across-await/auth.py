"""The token service both programs of this trap talk to, and the workload the fix runs under.

`AuthServer.fetch_token()` is a network call: it takes LATENCY seconds and counts every request,
so a program can check that concurrent callers shared one token instead of each fetching their own.
"""
import asyncio

LATENCY = 0.005  # seconds per token request: a fast network


class AuthServer:
    """Hands out a new token per request; `request_sent` is set once a request is on the wire."""

    def __init__(self) -> None:
        self.requests = 0
        self.request_sent = asyncio.Event()

    async def fetch_token(self) -> str:
        self.requests += 1
        self.request_sent.set()
        await asyncio.sleep(LATENCY)  # waiting for the reply: other coroutines run meanwhile
        return f"token-{self.requests}"


class InvariantBroken(AssertionError):
    """Concurrent callers did not share one token."""


async def run_workload(make_cache, callers: int = 100, rounds: int = 4) -> dict:
    """Each round, `callers` coroutines ask an empty cache for a token at once: exactly one request
    may reach the server, and every caller must get its token."""
    server = AuthServer()
    cache = make_cache(server)
    for round in range(1, rounds + 1):
        cache.clear()
        tokens = await asyncio.gather(*(cache.get_token() for _ in range(callers)))
        if server.requests != round:
            raise InvariantBroken(f"round {round}: {server.requests - round + 1} token requests for one empty cache")
        if set(tokens) != {f"token-{round}"}:
            raise InvariantBroken(f"round {round}: callers got {sorted(set(tokens))}, not the one token")
    return {
        "concurrent": callers,
        "callers": callers * rounds,
        "token_requests": server.requests,
        "invariants": ["one token request per empty cache", "every caller got that token", "every caller returned"],
    }
