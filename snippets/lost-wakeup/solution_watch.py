"""Wait on a predicate for the watcher too: the status is checked and waited for under the condition's lock.

Run it with `python3 solution_watch.py` next to workload.py. It finishes in well under a
second and prints what the workload ran and checked.
"""
import asyncio

from workload import run_watch


# region store
class TaskStore:
    """The status of each job, and a way to wait for it to change."""

    def __init__(self) -> None:
        self._status: dict[str, str] = {}
        self._changed = asyncio.Condition()

    async def create(self, task_id: str) -> None:
        async with self._changed:
            self._status[task_id] = "working"

# region waits
    async def update(self, task_id: str, status: str) -> None:
        async with self._changed:
            self._status[task_id] = status
            self._changed.notify_all()

    async def wait_for_change(self, task_id: str, seen: str | None) -> str:
        """The job's status once it differs from `seen` (at once if it does)."""
        async with self._changed:
            # Waits for the state, not a signal:
            await self._changed.wait_for(lambda: self._status[task_id] != seen)  # ✓
            return self._status[task_id]


async def watch(store: TaskStore, task_id: str, report) -> str:
    status = await store.wait_for_change(task_id, None)
    while status != "completed":
        # An update that lands now is not lost: the next wait sees it.
        await report(status)
        status = await store.wait_for_change(task_id, status)
    return status
# endregion waits
# endregion store


async def main() -> dict:
    return await run_watch(TaskStore, watch)


if __name__ == "__main__":
    print(asyncio.run(main()))
