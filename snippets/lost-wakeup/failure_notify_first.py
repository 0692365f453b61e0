"""A lost wakeup: the waiter's Event is created when it starts waiting, so an update that lands before that is lost.

A watcher reports a job's status to its client until the job is completed. Between its check
of the status and its wait for the next update it awaits the report, and the job finishes
right then: update() finds no Event to set, and the watcher then waits on a fresh one that no
update will ever set.

Run it with `python3 failure_notify_first.py` next to workload.py. It never finishes and
prints nothing: every watcher waits for an update of a job that is already completed. Stop it
with Ctrl-C.
"""
import asyncio

from workload import run_watch


# region store
class TaskStore:
    """The status of each job, and a way to wait for it to change."""

    def __init__(self) -> None:
        self._status: dict[str, str] = {}
        self._update_events: dict[str, asyncio.Event] = {}

    async def create(self, task_id: str) -> None:
        self._status[task_id] = "working"

    async def get_status(self, task_id: str) -> str:
        return self._status[task_id]

# region waits
    async def update(self, task_id: str, status: str) -> None:
        self._status[task_id] = status
        if (event := self._update_events.get(task_id)) is not None:
            event.set()  # nobody waiting yet: the update is not remembered

    async def wait_for_update(self, task_id: str) -> None:
        # A fresh Event: an update that landed before this line is lost.
        event = self._update_events[task_id] = asyncio.Event()  # ❌
        await event.wait()


async def watch(store: TaskStore, task_id: str, report) -> str:
    while (status := await store.get_status(task_id)) != "completed":
        await report(status)  # an await between the check and the wait
        await store.wait_for_update(task_id)
    return status
# endregion waits
# endregion store


async def main() -> dict:
    return await run_watch(TaskStore, watch)


if __name__ == "__main__":
    print(asyncio.run(main()))
