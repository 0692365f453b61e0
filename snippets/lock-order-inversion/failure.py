"""Lock-order inversion (AB-BA): expire() and autosync() each hold one lock and wait for the other's.

Run it with `python3 failure.py` next to archive.py. It never finishes and prints nothing:
`expire` holds expire_lock and waits for publish_lock; `autosync` holds publish_lock and waits
for expire_lock. A two-party Barrier makes both jobs take their first lock before either takes
its second, the interleaving that production hits by chance. Stop it with Ctrl-C.
"""
import asyncio

from archive import Archive, run_jobs


async def main() -> int:
    # region meet
    both_hold_one = asyncio.Barrier(2)

    async def checkpoint(job: str) -> None:
        await both_hold_one.wait()  # each job now holds its first lock

    archive = Archive(checkpoint)
    jobs = [("expire", "pkg-1"), ("autosync", "pkg-2")]
    return await run_jobs(archive, jobs, seed=1)
    # endregion meet


if __name__ == "__main__":
    print(asyncio.run(main()))
