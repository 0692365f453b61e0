"""Lock-order inversion with threads: two threading.Lock objects taken in opposite orders.

Run it with `python3 threads_failure.py`. It never finishes and prints nothing: the expire
thread holds expire_lock and waits for publish_lock, the autosync thread holds publish_lock and
waits for expire_lock. A threading.Barrier makes both take their first lock before either takes
its second. Stop it by killing the process: after Ctrl-C, Python still waits for the two
stuck threads before it exits.
"""
import threading


class Archive:
    """Package files in the pool, and the index of the published ones, shared by threads."""

    def __init__(self, checkpoint) -> None:
        self.expire_lock = threading.Lock()
        self.publish_lock = threading.Lock()
        self.pool: set[str] = set()
        self.published: set[str] = set()
        self._checkpoint = checkpoint

    def expire(self, package: str) -> None:
        with self.expire_lock:  # 1st: expire_lock
            self._checkpoint()
            with self.publish_lock:  # 2nd: publish_lock
                self.published.discard(package)
                self.pool.discard(package)

    # region archive
    def autosync(self, package: str) -> None:
        with self.publish_lock:  # 1st: publish_lock
            self._checkpoint()
            with self.expire_lock:  # ❌ 2nd: expire_lock, the reverse order
                self.pool.add(package)
                self.published.add(package)
# endregion archive


def main() -> None:
    both_hold_one = threading.Barrier(2)
    archive = Archive(checkpoint=both_hold_one.wait)  # each thread now holds its first lock
    jobs = [
        threading.Thread(target=archive.expire, args=("pkg-1",), name="expire"),
        threading.Thread(target=archive.autosync, args=("pkg-2",), name="autosync"),
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()


if __name__ == "__main__":
    main()
