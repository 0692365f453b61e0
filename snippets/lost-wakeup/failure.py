"""A lost wakeup: a mailbox that clears its Event after each wait swallows the posts that arrived meanwhile.

Run it with `python3 failure.py` next to workload.py. It never finishes and prints nothing:
100 messages are posted before the consumers run, the Event is set once, and the first
consumer to wake clears it, erasing the other 99 wakeups. Every consumer then waits for an
Event nobody will set, with 99 messages in the box. Stop it with Ctrl-C.
"""
import asyncio
from collections import deque

from workload import run_mailbox


# region mailbox
class Mailbox:
    """Messages handed from producers to consumers."""

    def __init__(self) -> None:
        self._messages: deque[str] = deque()
        self._arrived = asyncio.Event()

# region methods
    async def post(self, message: str) -> None:
        self._messages.append(message)
        self._arrived.set()

    async def take(self) -> str:
        await self._arrived.wait()
        # Erases every post since the Event was set, not just the one we take:
        self._arrived.clear()  # ❌
        return self._messages.popleft()
# endregion methods
# endregion mailbox


async def main() -> dict:
    return await run_mailbox(Mailbox)


if __name__ == "__main__":
    print(asyncio.run(main()))
