"""The package archive of this trap's asyncio programs, and the workload they run.

Two jobs share an archive, as in lkhq/laniakea PR #63: `expire` removes old packages,
`autosync` imports new ones. Each needs two locks, and they take them in opposite orders.
`checkpoint` is awaited between a job's first lock and its second: the failure program
makes both jobs meet there, the lucky one never lets them overlap.
"""
import asyncio
import random
from collections.abc import Awaitable, Callable


class Archive:
    """Package files in the pool, and the index of the published ones."""

    def __init__(self, checkpoint: Callable[[str], Awaitable[None]]) -> None:
        self.expire_lock = asyncio.Lock()  # no file leaves the pool while a job uses it
        self.publish_lock = asyncio.Lock()  # one writer of the published index
        self.pool: set[str] = set()
        self.published: set[str] = set()
        self._checkpoint = checkpoint

    # region archive
    async def expire(self, package: str) -> None:
        async with self.expire_lock:  # 1st: expire_lock
            await self._checkpoint("expire")
            async with self.publish_lock:  # 2nd: publish_lock
                self.published.discard(package)
                await asyncio.sleep(0)  # writing the index
                self.pool.discard(package)

    async def autosync(self, package: str) -> None:
        async with self.publish_lock:  # 1st: publish_lock
            await self._checkpoint("autosync")
            async with self.expire_lock:  # ❌ 2nd: expire_lock, the reverse order
                self.pool.add(package)
                await asyncio.sleep(0)  # copying the file
                self.published.add(package)
# endregion archive


class InvariantBroken(AssertionError):
    """The archive published a package whose file is not in the pool."""


def check(archive) -> None:
    """Every published package has its file in the pool."""
    missing = archive.published - archive.pool
    if missing:
        raise InvariantBroken(f"published without a file in the pool: {sorted(missing)}")


async def run_jobs(archive, jobs: list[tuple[str, str]], seed: int) -> int:
    """Runs `jobs` ((job, package) pairs) all at once, at seeded yield points; checks the archive
    after every job and returns how many returned."""
    rng = random.Random(seed)
    done = 0

    async def job(kind: str, package: str) -> None:
        nonlocal done
        for _ in range(rng.randrange(3)):
            await asyncio.sleep(0)  # a seeded yield point: varies the interleaving
        await getattr(archive, kind)(package)
        check(archive)
        done += 1

    async with asyncio.TaskGroup() as group:
        for n, (kind, package) in enumerate(jobs):
            group.create_task(job(kind, package), name=f"{kind}-{n}")
    return done


INVARIANTS = ["every published package has its file in the pool, after every job", "every job returned"]
