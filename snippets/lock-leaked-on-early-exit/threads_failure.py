"""A lock leaked on an early raise, with threads: execute() validates the command after acquire() and before its try.

Run it with `python3 threads_failure.py`. It never finishes and prints "rejected: empty
command". The first request raises ValueError with the lock held and its thread ends; the
second request's thread blocks forever on a lock no living thread holds. Stop it by killing
the process: after Ctrl-C, Python still waits for the blocked thread before it exits.
"""
import threading


class Client:
    """A client on one connection shared by threads: one command on the wire at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent: list[str] = []

    # region client
    def execute(self, command: str) -> str:
        self._lock.acquire()
        if not command.strip():
            raise ValueError("empty command")  # ❌ raises with the lock held
        try:
            self.sent.append(command)  # the command goes on the wire, the reply comes back
            return f"OK {command}"
        finally:
            self._lock.release()
# endregion client


def main() -> None:
    client = Client()

    def request(command: str) -> None:
        try:
            client.execute(command)
        except ValueError as error:
            print(f"rejected: {error}")

    # Two requests, each on its own thread, one after the other.
    for n, command in enumerate(["   ", "PING"], start=1):
        worker = threading.Thread(target=request, args=(command,), name=f"request-{n}")
        worker.start()
        worker.join()  # request-2 never ends: it waits for the lock request-1 left held


if __name__ == "__main__":
    main()
