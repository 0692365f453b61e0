"""threading.RLock done right: the owning thread re-enters the lock, and only the outermost call commits.

Run it with `python3 threads_rlock.py` next to threads_workload.py and workload.py. It
finishes in about a second and prints what the workload ran and checked.
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threads_workload import CheckedConnection, run_workload
from workload import digest, extract_names


# region store
class Store:
    """An index of source files: a content hash per file and the entities defined in it."""

    def __init__(self, conn: CheckedConnection, sources: dict[str, str]) -> None:
        self._conn = conn
        self._sources = sources
        self._lock = threading.RLock()  # reentrant: the owning thread may take it again
        self._depth = 0  # how many locked calls the owning thread is inside; guarded by _lock

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Holds the lock; only the outermost call commits (or rolls back) when it ends."""
        with self._lock:
            self._depth += 1
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._conn.rollback()
                raise
            else:
                if self._depth == 1:
                    self._conn.commit()  # ✓ a nested call never commits its caller's half-done work
            finally:
                self._depth -= 1

    def set_hash(self, path: str, hash: str) -> None:
        with self._transaction():
            self._conn.execute(
                "INSERT INTO hashes (path, hash) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
                (path, hash),
            )

    def rebuild(self) -> None:
        with self._transaction():
            self._delete_all()
            self._extract_entities()
            for path, text in self._sources.items():
                self.set_hash(path, digest(text))  # ✓ RLock: this thread already owns the lock

    def _delete_all(self) -> None:
        self._conn.execute("DELETE FROM entities")
        self._conn.execute("DELETE FROM hashes")

    def _extract_entities(self) -> None:
        for path, text in self._sources.items():
            for name in extract_names(text):
                self._conn.execute("INSERT INTO entities (path, name) VALUES (?, ?)", (path, name))
# endregion store


def main() -> dict:
    return run_workload(Store)


if __name__ == "__main__":
    print(main())
