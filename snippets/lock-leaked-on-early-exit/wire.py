"""The connection both asyncio programs of this trap use, and the workload the fix runs under.

A `Wire` carries one command and its reply at a time; it raises if a second command is sent
before the first reply is back, which is what the client's lock is there to prevent.
"""
import asyncio
import random


class InvariantBroken(AssertionError):
    """The client broke what its lock protects."""


class Wire:
    """One connection to a key-value server: one command in flight at a time."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.sent: list[str] = []

    async def roundtrip(self, command: str) -> str:
        if self.in_flight:
            raise InvariantBroken(f"{command!r} sent while another command was still on the wire")
        self.in_flight += 1
        self.sent.append(command)
        try:
            await asyncio.sleep(0)  # the reply is on its way: other coroutines run meanwhile
            return f"value of {command.split()[-1]}"
        finally:
            self.in_flight -= 1


async def run_workload(make_client, callers: int = 100, keys: int = 20, seeds=(1, 2, 3, 4)) -> dict:
    """`callers` coroutines at once ask for one of `keys` keys at seeded yield points, so most
    calls hit the cache; checks one command on the wire at a time, one GET per key, every caller
    returned, and the lock free at the end."""
    for seed in seeds:
        rng = random.Random(seed)
        wire = Wire()
        client = make_client(wire)

        async def caller(key: str) -> str:
            for _ in range(rng.randrange(3)):
                await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
            return await client.get(key)

        plan = [f"k{rng.randrange(keys)}" for _ in range(callers)]
        values = await asyncio.wait_for(asyncio.gather(*(caller(k) for k in plan)), timeout=2)
        if values != [f"value of {k}" for k in plan]:
            raise InvariantBroken(f"seed {seed}: a caller got another key's value")
        if sorted(wire.sent) != sorted({f"GET {k}" for k in plan}):
            raise InvariantBroken(f"seed {seed}: {len(wire.sent)} GETs for {len(set(plan))} keys")
        if client.locked():
            raise InvariantBroken(f"seed {seed}: the lock is still held after every caller returned")
    return {
        "concurrent": callers,
        "callers": callers * len(seeds),
        "invariants": [
            "one command on the wire at a time",
            "one GET per key, every other call served from the cache",
            "every caller returned",
            "the lock is free at the end",
        ],
    }
