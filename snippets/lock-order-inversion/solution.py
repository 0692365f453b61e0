"""One global lock order: every job takes expire_lock before publish_lock, so no two jobs can wait in a circle.

Run it with `python3 solution.py` next to archive.py. It finishes in well under a second and
prints what the workload ran and checked: 100 jobs at once, expire and autosync mixed, four times.
"""
import asyncio
import random

from archive import INVARIANTS, run_jobs


class Archive:
    """Package files in the pool, and the index of the published ones.

    Lock order: expire_lock, then publish_lock. Every method that needs both takes them in
    this order.
    """

    def __init__(self) -> None:
        self.expire_lock = asyncio.Lock()  # no file leaves the pool while a job uses it
        self.publish_lock = asyncio.Lock()  # one writer of the published index
        self.pool: set[str] = set()
        self.published: set[str] = set()

    async def expire(self, package: str) -> None:
        async with self.expire_lock, self.publish_lock:
            self.published.discard(package)
            await asyncio.sleep(0)  # writing the index
            self.pool.discard(package)

    # region archive
    async def autosync(self, package: str) -> None:
        async with self.expire_lock, self.publish_lock:  # ✓ the same order as expire()
            self.pool.add(package)
            await asyncio.sleep(0)  # copying the file
            self.published.add(package)
# endregion archive


async def main() -> dict:
    returned = 0
    for seed in (1, 2, 3, 4):
        rng = random.Random(seed)
        archive = Archive()
        archive.pool = {f"pkg-{n}" for n in range(10)}
        archive.published = set(archive.pool)
        # the jobs fight over ten packages: an autosync re-imports what an expire removes
        jobs = [(rng.choice(["expire", "autosync"]), f"pkg-{rng.randrange(10)}") for _ in range(100)]
        returned += await run_jobs(archive, jobs, seed)
    if returned != 400:
        raise AssertionError(f"{400 - returned} job(s) never returned")
    return {"concurrent": 100, "jobs": returned, "seeds": [1, 2, 3, 4], "invariants": INVARIANTS}


if __name__ == "__main__":
    print(asyncio.run(main()))
