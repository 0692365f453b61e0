"""run_coroutine_threadsafe(...).result() on the loop's own thread: the thread waits for a coroutine only it can run.

Run it with `python3 failure.py`. It never finishes and prints nothing. The sensor's event
handler was written for events delivered on the device library's thread; here the event
arrives on the event loop's thread, and .result() blocks that thread until a coroutine
scheduled on the same loop finishes, which can never happen. Ctrl-C does not stop it
(asyncio.run()'s Ctrl-C handler only schedules a cancellation on the blocked loop); kill the
process.
"""
import asyncio


class Registry:
    """The device registry: an async lookup, as in Home Assistant."""

    async def device_id(self, name: str) -> str:
        await asyncio.sleep(0)  # a lookup that yields to the loop
        return f"device-{name}"


class MotionSensor:
    def __init__(self, name: str, registry: Registry, loop: asyncio.AbstractEventLoop) -> None:
        self.name = name
        self._registry = registry
        self._loop = loop

    # region sensor
    def on_event(self, event: dict) -> dict:
        """Called by the device library for every event it receives."""
        device_id = asyncio.run_coroutine_threadsafe(
            self._registry.device_id(self.name), self._loop
        ).result()  # ❌ on the loop's thread: waits for a coroutine this thread must run
        return {**event, "device_id": device_id}
# endregion sensor


async def main() -> dict:
    sensor = MotionSensor("hall", Registry(), asyncio.get_running_loop())
    # region deliver
    # The library now delivers events on the event loop, from a coroutine.
    return sensor.on_event({"motion": True})
    # endregion deliver


if __name__ == "__main__":
    print(asyncio.run(main()))
