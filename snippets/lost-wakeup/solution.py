"""Wait on a predicate: a Condition whose waiters check "is there a message?" under its lock.

Run it with `python3 solution.py` next to workload.py. It finishes in well under a second and
prints what the workload ran and checked.
"""
import asyncio
from collections import deque

from workload import run_mailbox


# region mailbox
class Mailbox:
    """Messages handed from producers to consumers."""

    def __init__(self) -> None:
        self._messages: deque[str] = deque()
        self._changed = asyncio.Condition()

# region methods
    async def post(self, message: str) -> None:
        # The state changes under the condition's lock...
        async with self._changed:
            self._messages.append(message)
            self._changed.notify()

    async def take(self) -> str:
        async with self._changed:
            # ...and waiters test the state, not a signal:
            await self._changed.wait_for(lambda: self._messages)  # ✓
            return self._messages.popleft()
# endregion methods
# endregion mailbox


async def main() -> dict:
    return await run_mailbox(Mailbox)


if __name__ == "__main__":
    print(asyncio.run(main()))
