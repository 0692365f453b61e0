"""The workloads the programs of this trap run under.

run_mailbox: 100 producers post one item each into a mailbox, and 10 consumers take 10 items
each, with seeded random yield points between takes (the work on an item), four times with
different seeds. The producers start first, as a burst of messages does. It checks that every
item is taken exactly once and that every producer and consumer returns.

run_watch: 100 jobs, each with a worker and a watcher that reports the job's status to a
client until the job is completed, four times. For every job, the worker finishes while the
watcher's progress report is on its way to the client: the update lands between the
watcher's check and its wait, forced with events rather than left to timing. It checks that
every watcher sees "completed", and that every worker and watcher returns.
"""
import asyncio
import random

PRODUCERS = 100
CONSUMERS = 10
JOBS = 100


class InvariantBroken(AssertionError):
    """A message was lost or delivered twice, or a watcher missed the end of its job."""


async def run_mailbox(make_mailbox, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Runs the producers and consumers against a fresh mailbox per seed; returns what ran and was checked."""
    for seed in seeds:
        rng = random.Random(seed)
        mailbox = make_mailbox()
        taken: list[str] = []

        async def producer(n: int) -> None:
            await mailbox.post(f"message {n}")

        async def consumer() -> None:
            for _ in range(PRODUCERS // CONSUMERS):
                taken.append(await mailbox.take())
                for _ in range(rng.randrange(3)):
                    await asyncio.sleep(0)  # the work on the message: a seeded yield point

        producers = [asyncio.create_task(producer(n), name=f"producer-{n}") for n in range(PRODUCERS)]
        consumers = [asyncio.create_task(consumer(), name=f"consumer-{n}") for n in range(CONSUMERS)]
        await asyncio.gather(*producers, *consumers)
        if sorted(taken) != sorted(f"message {n}" for n in range(PRODUCERS)):
            raise InvariantBroken(f"seed {seed}: {len(taken)} messages taken for {PRODUCERS} posted, or some taken twice")
    return {
        "producers": PRODUCERS * len(seeds),
        "consumers": CONSUMERS * len(seeds),
        "concurrent": PRODUCERS + CONSUMERS,
        "seeds": list(seeds),
        "invariants": ["every message taken exactly once", "every producer and consumer returned"],
    }


async def run_watch(make_store, watch, rounds: int = 4) -> dict:
    """Runs JOBS workers and watchers against a fresh store per round; returns what ran and was checked."""
    for round in range(rounds):
        store = make_store()
        finals: dict[str, str] = {}

        async def job(n: int) -> None:
            task_id = f"job-{n}"
            await store.create(task_id)
            report_sent, job_finished = asyncio.Event(), asyncio.Event()

            async def report(status: str) -> None:
                """Sends the status to the client; the answer comes once the job has finished."""
                report_sent.set()
                await job_finished.wait()

            async def worker() -> None:
                await report_sent.wait()  # the job finishes while the watcher's report is on its way
                await store.update(task_id, "completed")
                job_finished.set()

            async def watcher() -> None:
                finals[task_id] = await watch(store, task_id, report)

            await asyncio.gather(
                asyncio.create_task(worker(), name=f"worker-{n}"),
                asyncio.create_task(watcher(), name=f"watcher-{n}"),
            )

        await asyncio.gather(*(asyncio.create_task(job(n), name=f"job-{n}") for n in range(JOBS)))
        missed = sorted(t for t in (f"job-{n}" for n in range(JOBS)) if finals.get(t) != "completed")
        if missed:
            raise InvariantBroken(f"round {round}: watchers of {missed[:3]} did not see their job completed")
    return {
        "jobs": JOBS * rounds,
        "concurrent": 2 * JOBS,
        "rounds": rounds,
        "invariants": ["every watcher saw its job completed", "every worker and watcher returned"],
    }
