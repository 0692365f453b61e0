"""threading.RLock swapped in, nothing else changed: no deadlock, but readers see half a rebuild.

Run it with `python3 threads_rlock_naive.py` next to threads_workload.py and workload.py. It
stops with workload.InvariantBroken on every run: the thread in rebuild() re-enters the lock
in set_hash(), and set_hash() commits, so rebuild()'s DELETE and its first INSERT become
visible to every other connection while the rest of the rebuild is still to come.
threads_rlock.py makes the nested call safe.
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
        self._lock = threading.RLock()  # reentrant: the owning thread may take it again

    def set_hash(self, path: str, hash: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO hashes (path, hash) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash",
                (path, hash),
            )
            self._conn.commit()  # ❌ inside rebuild(), this commits half a rebuild

    def rebuild(self) -> None:
        with self._lock:
            self._delete_all()
            self._extract_entities()
            for path, text in self._sources.items():
                self.set_hash(path, digest(text))  # no deadlock: this thread already owns the lock
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
