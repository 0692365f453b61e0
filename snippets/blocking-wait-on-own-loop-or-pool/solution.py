"""On the loop, await the coroutine; block in .result() only on another thread, and refuse to on the loop's own.

Run it with `python3 solution.py`. It finishes in well under a second and prints what the
workload ran and checked: 100 events handled at once on the loop, 100 more delivered from the
device library's thread, four times, while a heartbeat on the loop keeps ticking.
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
    async def on_event(self, event: dict) -> dict:
        """For events delivered on the event loop."""
        device_id = await self._registry.device_id(self.name)  # ✓ the loop runs the lookup meanwhile
        return {**event, "device_id": device_id}

    def on_event_from_thread(self, event: dict) -> dict:
        """For events delivered on another thread: the loop runs on_event(), this thread waits."""
        try:
            running = asyncio.get_running_loop()  # the loop running on *this* thread, if any
        except RuntimeError:
            running = None
        if running is self._loop:
            raise RuntimeError("on the event loop's own thread this would deadlock: await on_event()")
        return asyncio.run_coroutine_threadsafe(self.on_event(event), self._loop).result()  # ✓ another thread
# endregion sensor


class InvariantBroken(AssertionError):
    """An event was lost, annotated with another device's id, or the loop stopped running."""


async def main() -> dict:
    loop = asyncio.get_running_loop()
    registry = Registry()
    sensors = [MotionSensor(f"s{n}", registry, loop) for n in range(100)]
    ticks = 0

    async def heartbeat() -> None:  # stops ticking if anything blocks the loop's thread
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    beating = asyncio.create_task(heartbeat())
    for round in range(4):
        on_loop = await asyncio.gather(*(s.on_event({"round": round}) for s in sensors))

        def library_thread() -> list[dict]:  # the device library's own thread
            return [s.on_event_from_thread({"round": round}) for s in sensors]

        from_thread = await asyncio.to_thread(library_thread)
        for events in (on_loop, from_thread):
            if [e["device_id"] for e in events] != [f"device-{s.name}" for s in sensors]:
                raise InvariantBroken(f"round {round}: an event lost or got another device's id")
    beating.cancel()
    try:
        sensors[0].on_event_from_thread({})
        raise InvariantBroken("on_event_from_thread() did not refuse to block the loop's own thread")
    except RuntimeError:
        pass
    if ticks < 100:
        raise InvariantBroken(f"the heartbeat ticked only {ticks} times: the loop's thread was blocked")
    return {
        "concurrent": len(sensors),
        "events": 2 * len(sensors) * 4,
        "heartbeat_ticks": ticks,
        "invariants": [
            "every event annotated with its own device's id",
            "every handler returned",
            "the loop kept running (heartbeat)",
            "blocking on the loop's own thread is refused",
        ],
    }


if __name__ == "__main__":
    print(asyncio.run(main()))
