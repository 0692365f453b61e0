"""The same Archive, and its jobs never overlap: every job returns, and the inversion is still there.

Run it with `python3 lucky.py` next to archive.py. It finishes at once: 100 expire jobs run
together, then 100 autosync jobs, the way a test suite runs one test after another. Each phase
takes the locks in one order only, so nothing can wait in a circle. Both orders were taken, so a
lock-order checker (lockdep, ThreadSanitizer, this catalog's engine) still reports the inversion.
"""
import asyncio

from archive import INVARIANTS, Archive, run_jobs


async def main() -> dict:
    async def checkpoint(job: str) -> None:
        await asyncio.sleep(0)  # the jobs of one phase interleave freely

    archive = Archive(checkpoint)
    archive.pool = {f"old-{n}" for n in range(100)}
    archive.published = set(archive.pool)
    # region phases
    expired = await run_jobs(archive, [("expire", f"old-{n}") for n in range(100)], 1)
    synced = await run_jobs(archive, [("autosync", f"new-{n}") for n in range(100)], 2)
    # endregion phases
    if archive.published != {f"new-{n}" for n in range(100)}:
        raise AssertionError("the archive does not hold exactly the synced packages")
    return {"concurrent": 100, "expire": expired, "autosync": synced, "invariants": INVARIANTS}


if __name__ == "__main__":
    print(asyncio.run(main()))
