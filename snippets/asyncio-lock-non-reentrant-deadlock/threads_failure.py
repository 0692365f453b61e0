"""threading.Lock is not reentrant either: rebuild() holds the lock and calls set_hash(), which takes it again.

Run it with `python3 threads_failure.py` next to threads_workload.py and workload.py. It never
finishes and prints nothing: the first thread to run rebuild() blocks forever on a lock it
holds itself, and every other thread blocks behind it. Stop it with Ctrl-C.
"""
import threading

from threads_workload import CheckedConnection, run_workload
from workload import digest, extract_names


# region store
class Store:
    """An index of source files: a content hash per file and the entities defined in it."""

    def __init__(self, conn: CheckedConnection, sources: dict[str, str]) -> None:
        self._conn = conn
        self._sources = sources
        self._lock = threading.Lock()

    def set_hash(self, path: str, hash: str) -> None:
        with self._lock:  # Acquires lock
            self._conn.execute(
                "INSERT INTO hashes (path, hash) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
                (path, hash),
            )
            self._conn.commit()

    def rebuild(self) -> None:
        with self._lock:  # Acquires lock
            self._delete_all()
            self._extract_entities()
            for path, text in self._sources.items():
                self.set_hash(path, digest(text))  # ❌ DEADLOCK — this thread waits for itself
            self._conn.commit()

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
