"""with: the thread lock is released on every way out of the block, raise included.

Run it with `python3 threads_solution.py`. It finishes in well under a second and prints what
the workload ran and checked: 100 threads released together by a Barrier, one in five sending
an empty command, four times.
"""
import random
import threading
import time


class InvariantBroken(AssertionError):
    """The client broke what its lock protects."""


class Client:
    """A client on one connection shared by threads: one command on the wire at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self.sent: list[str] = []

    # region client
    def execute(self, command: str) -> str:
        with self._lock:  # ✓ released however the block is left
            if not command.strip():
                raise ValueError("empty command")
            return self._send(command)
    # endregion client

    def _send(self, command: str) -> str:
        """The command goes on the wire and the reply comes back; caller holds _lock."""
        self._in_flight += 1
        if self._in_flight > 1:
            raise InvariantBroken("two commands on the wire at once")
        self.sent.append(command)
        time.sleep(0)  # other threads run meanwhile
        self._in_flight -= 1
        return f"OK {command}"

    def locked(self) -> bool:
        return self._lock.locked()


def main() -> dict:
    threads, seeds = 100, (1, 2, 3, 4)
    for seed in seeds:
        rng = random.Random(seed)
        client = Client()
        commands = ["   " if rng.random() < 0.2 else f"SET k{n} {n}" for n in range(threads)]
        start = threading.Barrier(threads)
        outcomes: list[str] = []
        broken: list[InvariantBroken] = []

        def request(command: str) -> None:
            start.wait()
            try:
                outcomes.append(client.execute(command))
            except ValueError:
                outcomes.append("rejected")
            except InvariantBroken as error:
                broken.append(error)

        workers = [threading.Thread(target=request, args=(c,), name=f"request-{n}") for n, c in enumerate(commands)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=2)
        if broken:
            raise broken[0]
        if any(worker.is_alive() for worker in workers) or len(outcomes) != threads:
            raise InvariantBroken(f"seed {seed}: {threads - len(outcomes)} request(s) never returned")
        if sorted(client.sent) != sorted(c for c in commands if c.strip()):
            raise InvariantBroken(f"seed {seed}: the wire did not carry each valid command once")
        if outcomes.count("rejected") != commands.count("   ") or client.locked():
            raise InvariantBroken(f"seed {seed}: a rejected command was not rejected, or the lock is still held")
    return {
        "concurrent": threads,
        "requests": threads * len(seeds),
        "invariants": [
            "one command on the wire at a time",
            "each valid command sent once, each empty one rejected",
            "every request returned",
            "the lock is free at the end",
        ],
    }


if __name__ == "__main__":
    print(main())
