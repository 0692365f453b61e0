"""Builds the witness (src/verify/witness.ts) for a verdict: tasks and threads with their whole
chains, the locks with readable names, owners and where they were acquired, and a one-line
summary. Bounded: at most MAX_TASKS tasks and threads, the rest counted in omittedTasks.
"""
import asyncio
import asyncio.tasks
import re
import sys
import threading

from . import executors, frames, naming, waitgraph

MAX_TASKS = 50

_acquire_frame = {"code": None, "line": None}


def set_lock_acquire_frame(line, code):
    """Where asyncio's Lock.acquire waits: the last frame of a task about to wait."""
    _acquire_frame["code"] = code
    _acquire_frame["line"] = line


# -- small helpers ------------------------------------------------------------------------------
def _natural(name):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _thread_name(ident):
    t = threading._active.get(ident)
    if t is not None:
        return t.name
    agent = waitgraph.agents.get(ident)
    return agent.name if agent is not None else f"Thread-{ident}"


def _loop_thread(task):
    try:
        ident = task.get_loop()._thread_id
    except Exception:
        return None
    return _thread_name(ident) if ident is not None else None


def _where(frame):
    return f"{frame['function']} at {frame['file']}:{frame['line']}"


def _place(chain):
    """'in Event.wait, called at x.py:9' or 'in main at x.py:9': where a chain stands."""
    if not chain:
        return ""
    inner = chain[-1]
    user = frames.innermost_user_frame(chain)
    if user is None or user is inner:
        return f" in {_where(inner)}"
    return f" in {inner['function']}, called at {user['file']}:{user['line']}"


def all_live_tasks():
    """Every asyncio task not yet done, on any loop (read from asyncio's own registries)."""
    found = []
    for attr in ("_all_tasks", "_scheduled_tasks", "_eager_tasks"):
        registry = getattr(asyncio.tasks, attr, None)
        if registry is None:
            continue
        for _ in range(100):
            try:
                found.extend(list(registry))
                break
            except RuntimeError:
                continue
    seen = set()
    out = []
    for t in found:
        if id(t) not in seen and not t.done():
            seen.add(id(t))
            out.append(t)
    return out


def _is_current(task):
    try:
        return asyncio.tasks.current_task(task.get_loop()) is task
    except Exception:
        return False


class _Builder:
    """Collects entries; assigns readable unique ids; keeps the witness bounded."""

    def __init__(self):
        self.entries = []
        self.by_key = {}
        self.used = set()
        self.records = {}
        self.left_out = set()

    def _new_id(self, prefix, name):
        base = f"{prefix}:{name}"
        ident, n = base, 2
        while ident in self.used:
            ident, n = f"{base}#{n}", n + 1
        self.used.add(ident)
        return ident

    def id_of(self, key):
        entry = self.by_key.get(key)
        return entry["id"] if entry else None

    def _add(self, key, entry, force):
        if key in self.by_key:
            return self.by_key[key]
        if len(self.entries) >= MAX_TASKS and not force:
            self.left_out.add(key)
            return None
        self.left_out.discard(key)
        entry["id"] = self._new_id("task" if entry["kind"] == "task" else "thread", entry["name"])
        self.entries.append(entry)
        self.by_key[key] = entry
        return entry

    def lock(self, rec):
        """The witness id of a lock record (its entry is built at the end)."""
        self.records[rec.id] = rec
        return f"lock:{rec.id}"

    def task(self, task, chain=None, state=None, force=False):
        """Adds an asyncio task (its await chain unless `chain` is given)."""
        key = ("task", id(task))
        if key in self.by_key:
            return self.by_key[key]
        waits = waitgraph.task_waits.get(task)
        if state is None:
            if task.done():
                state = "done"
            elif waits is not None:
                state = "waiting"
            elif _is_current(task):
                state = "running"
            else:
                state = "blocked"
        if chain is None:
            chain = [] if task.done() else frames.to_frames(frames.await_chain(task.get_coro()))
        entry = {"kind": "task", "name": task.get_name(), "state": state, "chain": chain}
        thread = _loop_thread(task)
        if thread:
            entry["thread"] = thread
        entry = self._add(key, entry, force)
        if entry is not None and waits is not None and state == "waiting":
            entry["waitsFor"] = self.lock(waits)
        return entry

    def thread(self, agent=None, ident=None, chain=None, state=None, force=False, frame=None):
        """Adds a thread (by agent or ident); its chain from its current stack unless given."""
        if agent is None:
            agent = waitgraph.agents.get(ident)
            if agent is not None and not agent.alive():
                agent = None
        ident = agent.ident if agent is not None else ident
        key = ("thread", id(agent)) if agent is not None else ("ident", ident)
        if key in self.by_key:
            return self.by_key[key]
        wait = waitgraph.thread_waits.get(agent) if agent is not None else None
        alive = agent.alive() if agent is not None else True
        if chain is None:
            if alive:
                if frame is None:
                    frame = sys._current_frames().get(ident)
                chain = frames.to_frames(reversed(frames.live_stack(frame)))
            else:
                chain = []
        if state is None:
            state = "waiting" if wait is not None else ("running" if alive else "done")
        name = agent.display_name() if agent is not None else _thread_name(ident)
        entry = self._add(key, {"kind": "thread", "name": name, "state": state, "chain": chain}, force)
        if entry is not None and wait is not None and state == "waiting":
            entry["waitsFor"] = self.lock(wait.record)
        return entry

    def agent(self, agent, force=True):
        """Adds a task or a thread agent."""
        if isinstance(agent, waitgraph.ThreadAgent):
            return self.thread(agent=agent, force=force)
        return self.task(agent, force=force)

    def agent_id(self, agent):
        key = ("thread", id(agent)) if isinstance(agent, waitgraph.ThreadAgent) else ("task", id(agent))
        return self.id_of(key)

    def result(self, summary, cycle=None):
        # Owners of the locks shown are always shown (even past the bound): the report names them.
        done = set()
        while len(done) < len(self.records):
            for rec in [r for r in list(self.records.values()) if r.id not in done]:
                done.add(rec.id)
                if rec.owner is not None:
                    self.agent(rec.owner, force=True)
        locks = []
        for rec in sorted(self.records.values(), key=lambda r: r.id):
            entry = {
                "id": f"lock:{rec.id}",
                "name": naming.lock_name(rec.kind, rec.site),
                "kind": rec.kind,
                "owner": self.agent_id(rec.owner) if rec.owner is not None else None,
                "acquiredAt": frames.to_frames(reversed(rec.acquired)) if rec.acquired else None,
                "waiters": [i for i in (self.agent_id(a) for a in list(rec.waiters)) if i],
            }
            if rec.site is not None:
                code, _lasti, line = rec.site
                entry["createdAt"] = frames.frame_of(code, line)
            if rec.kind == "threading.RLock":
                entry["depth"] = rec.depth
            locks.append(entry)
        out = {"summary": summary, "cycle": cycle, "tasks": self.entries, "locks": locks}
        if self.left_out:
            out["omittedTasks"] = len(self.left_out)
        return out


# -- descriptions used in summaries -------------------------------------------------------------
def describe_agent(agent, owner_task=None):
    """`Task "caller-3"`, `Thread "worker"`, `Thread "MainThread" (running task "main")`."""
    if isinstance(agent, waitgraph.ThreadAgent):
        text = f'Thread "{agent.display_name()}"'
        if owner_task is not None:
            text += f' (running task "{owner_task.get_name()}")'
        return text
    return f'Task "{agent.get_name()}"'


def _acquired_where(rec):
    if not rec.acquired:
        return ""
    shown = frames.to_frames(reversed(rec.acquired))
    return f"acquired in {_where(shown[-1])}" if shown else ""


def _cycle_summary(path, tasks_of=None):
    """One line for a cycle given as (agent, record) pairs."""
    tasks_of = tasks_of or {}
    first_agent, first_rec = path[0]
    name = naming.lock_name(first_rec.kind, first_rec.site)
    who = describe_agent(first_agent, tasks_of.get(first_agent))
    if len(path) == 1:
        where = _acquired_where(first_rec)
        return f"{who} waits for {name}, which it already holds" + (f" ({where})" if where else "")
    parts = [f"{who} waits for {name}"]
    for i, (agent, rec) in enumerate(path):
        nxt_agent, nxt_rec = path[(i + 1) % len(path)]
        holder = describe_agent(nxt_agent, tasks_of.get(nxt_agent))
        where = _acquired_where(rec)
        held = f"held by {holder}" + (f" ({where})" if where else "")
        if i + 1 < len(path):
            parts.append(f"{held}, which waits for {naming.lock_name(nxt_rec.kind, nxt_rec.site)}")
        else:
            parts.append(held)
    return ", ".join(parts)


def _cycle_ids(builder, path):
    ids = []
    for agent, rec in path:
        ids += [builder.agent_id(agent), builder.lock(rec)]
    ids.append(ids[0])
    return ids


# -- witnesses ----------------------------------------------------------------------------------
def _requester_chain(requester_frame, task_only, add_acquire):
    chain = frames.to_frames(reversed(frames.live_stack(requester_frame, task_only=task_only)))
    if add_acquire and _acquire_frame["code"] is not None:
        chain.append(frames.frame_of(_acquire_frame["code"], _acquire_frame["line"]))
    return chain


def task_cycle(path, requester_frame, loop):
    """Witness for a cycle of asyncio tasks; path[0] is the task about to wait (the running one)."""
    b = _Builder()
    requester, rec0 = path[0]
    b.task(requester, chain=_requester_chain(requester_frame, True, True), state="waiting", force=True)
    b.by_key[("task", id(requester))]["waitsFor"] = b.lock(rec0)
    for agent, _rec in path[1:]:
        b.task(agent, force=True)
    cycle = _cycle_ids(b, path)
    # Then whoever queues behind the locks of the cycle, in queue order, then everyone else.
    for _agent, rec in path:
        for waiter in list(rec.waiters):
            b.task(waiter)
    _add_other_tasks(b, loop)
    return b.result(_cycle_summary(path), cycle)


def _add_other_tasks(b, loop):
    try:
        tasks = [t for t in asyncio.all_tasks(loop)] if loop is not None else all_live_tasks()
    except RuntimeError:
        tasks = []
    waiting = [t for t in tasks if t in waitgraph.task_waits]
    others = [t for t in tasks if t not in waitgraph.task_waits]
    for t in sorted(waiting, key=lambda t: _natural(t.get_name())) + sorted(others, key=lambda t: _natural(t.get_name())):
        b.task(t)


def thread_cycle(path, requester_frame):
    """Witness for a cycle of threads (under the graph mutex); path[0] is the calling thread."""
    b = _Builder()
    requester, rec0 = path[0]
    waits = waitgraph.thread_waits
    tasks_of = {agent: waits[agent].task for agent, _ in path if agent in waits and waits[agent].task is not None}
    b.thread(agent=requester, chain=_requester_chain(requester_frame, False, False), state="waiting", force=True)
    for agent, _rec in path[1:]:
        b.thread(agent=agent, force=True)
    cycle = _cycle_ids(b, path)
    for _agent, rec in path:
        for waiter in list(rec.waiters):
            b.thread(agent=waiter)
    _add_other_threads(b)
    # The tasks of an event loop stuck with its thread, if the cycle runs through one.
    for agent, task in tasks_of.items():
        try:
            for t in sorted(asyncio.all_tasks(task.get_loop()), key=lambda t: _natural(t.get_name())):
                b.task(t, state="running" if t is task else None)
        except RuntimeError:
            pass
    return b.result(_cycle_summary(path, tasks_of), cycle)


def quiescence(loop, tasks):
    """Witness for an event loop that can never wake again while `tasks` still wait."""
    b = _Builder()
    # Closest to the cause first: lock waiters, then tasks not merely awaiting other tasks.
    ordered = sorted(tasks, key=lambda t: (t not in waitgraph.task_waits, _awaits_tasks(t), _natural(t.get_name())))
    for t in ordered:
        b.task(t)
    with waitgraph.mutex:
        _add_other_threads(b, skip_current=True)
        summary = _quiescence_summary(ordered, b)
        threads = _stuck_thread_phrase()
        return b.result(summary + (f"; {threads}" if threads else ""), None)


def _stuck_thread_phrase():
    """What the first thread stuck on a lock waits for, when the loop also waits on threads."""
    me = threading.get_ident()
    for agent, wait in sorted(waitgraph.thread_waits.items(), key=lambda kv: _natural(kv[0].display_name())):
        if agent.ident == me or not wait.forever:
            continue
        rec = wait.record
        owner = rec.owner
        where = _acquired_where(rec)
        if isinstance(owner, waitgraph.ThreadAgent):
            state = "which ended without releasing it" if not owner.alive() else "which is stuck too"
            holder = f"held by {describe_agent(owner)}, {state}"
        else:
            holder = "held by no thread"
        return f"{describe_agent(agent)} waits for {naming.lock_name(rec.kind, rec.site)}, {holder}" + (f" ({where})" if where else "")
    return ""


def _quiescence_summary(tasks, b):
    nothing = "no ready callbacks, timers, I/O or busy threads"
    for t in tasks:
        rec = waitgraph.task_waits.get(t)
        if rec is not None and rec.owner is not None and not isinstance(rec.owner, waitgraph.ThreadAgent):
            owner = rec.owner
            where = _acquired_where(rec)
            how = "which finished without releasing it" if owner.done() else _blocked_phrase(owner, b)
            return (
                f"{describe_agent(t)} waits for {naming.lock_name(rec.kind, rec.site)}, held by "
                f"{describe_agent(owner)}" + (f" ({where})" if where else "") + f", {how}; nothing else can wake them ({nothing})"
            )
    lead = _representative(tasks)
    entry = b.by_key.get(("task", id(lead))) if lead is not None else None
    place = _place(entry["chain"]) if entry else ""
    if len(tasks) == 1:
        return f'{describe_agent(lead)} waits{place} and nothing is left that could wake it ({nothing})'
    return f"{len(tasks)} tasks wait and nothing is left that could wake them ({nothing}); {describe_agent(lead)} waits{place}"


def _blocked_phrase(task, b):
    entry = b.by_key.get(("task", id(task)))
    return f"which waits{_place(entry['chain'])}" if entry and entry["chain"] else "which waits"


def _awaits_tasks(task):
    """True when `task` is parked on another task or a gather (not the cause of anything)."""
    waiter = getattr(task, "_fut_waiter", None)
    return isinstance(waiter, asyncio.Task) or hasattr(waiter, "_children")


def _representative(tasks):
    """The task closest to the cause: one not merely waiting for another task or a gather."""
    for t in tasks:
        if not _awaits_tasks(t):
            return t
    return tasks[0] if tasks else None


def stuck_threads(lock_waits, joins, cycle_path=None):
    """Witness for threads stuck for good (stuck.all_threads_stuck): `lock_waits` maps
    ThreadAgent -> ThreadWait, `joins` ThreadAgent -> the agent it joins. Under the graph mutex."""
    b = _Builder()
    current = sys._current_frames()
    order = [a for a, _ in cycle_path] if cycle_path else []
    order += sorted((a for a in lock_waits if a not in order), key=lambda a: _natural(a.display_name()))
    for agent in order:
        b.thread(agent=agent, force=True, frame=current.get(agent.ident))
    for agent in sorted(joins, key=lambda a: _natural(a.display_name())):
        b.thread(agent=agent, frame=current.get(agent.ident), state="blocked")
    cycle = _cycle_ids(b, cycle_path) if cycle_path else None
    if cycle_path:
        summary = _cycle_summary(cycle_path, {a: w.task for a, w in lock_waits.items() if w.task is not None})
    else:
        summary = _dead_owner_summary(lock_waits, order)
    for agent, wait in lock_waits.items():
        if wait.task is not None:
            try:
                for t in sorted(asyncio.all_tasks(wait.task.get_loop()), key=lambda t: _natural(t.get_name())):
                    b.task(t, state="running" if t is wait.task else None)
            except RuntimeError:
                pass
    return b.result(summary, cycle)


def _add_other_threads(b, skip_current=False):
    """Every other live thread of the snippet (idle pool workers aside)."""
    current = sys._current_frames()
    workers = executors.worker_idents()
    me = threading.get_ident()
    for ident in sorted(current, key=lambda i: _natural(_thread_name(i))):
        if ident in waitgraph.harness_idents or executors.is_idle_worker(ident, current[ident], workers):
            continue
        if skip_current and ident == me:
            continue
        agent = waitgraph.agents.get(ident)
        if agent is not None and not agent.alive(current):
            agent = None
        state = None
        if agent is not None and agent not in waitgraph.thread_waits:
            state = "blocked" if agent in waitgraph.join_waits else "running"
        b.thread(agent=agent, ident=ident, frame=current[ident], state=state)


def _dead_owner_summary(stuck, order):
    n = len(stuck)
    tail = "" if n == 1 else f"; {n} threads wait for good"
    for agent in order:
        rec = stuck[agent].record
        owner = rec.owner
        if isinstance(owner, waitgraph.ThreadAgent) and not owner.alive():
            where = _acquired_where(rec)
            return (
                f"{describe_agent(agent, stuck[agent].task)} waits for {naming.lock_name(rec.kind, rec.site)}, held by "
                f"{describe_agent(owner)}, which ended without releasing it" + (f" ({where})" if where else "") + tail
            )
    agent = order[0]
    rec = stuck[agent].record
    return f"{describe_agent(agent)} waits for {naming.lock_name(rec.kind, rec.site)}, which no live thread can release{tail}"


def timeout(timeout_ms, thread_states=None, detect=True):
    """Witness for a run that did not finish in time: what every thread and task was doing."""
    b = _Builder()
    thread_states = thread_states or {}
    current = sys._current_frames()
    workers = executors.worker_idents()
    described = []
    main_ident = threading.main_thread().ident
    idents = sorted(
        (i for i in current if i not in waitgraph.harness_idents),
        key=lambda i: (i != main_ident, _natural(_thread_name(i))),
    )
    for ident in idents:
        frame = current[ident]
        if executors.is_idle_worker(ident, frame, workers):
            continue
        state = thread_states.get(ident)
        agent = waitgraph.agents.get(ident)
        if agent is not None and not agent.alive(current):
            agent = None
        if agent is not None and agent in waitgraph.thread_waits:
            state = "waiting"
        entry = b.thread(agent=agent, ident=ident, frame=frame, state=state or "running")
        if entry is not None:
            described.append(entry)
    tasks = all_live_tasks()
    tasks.sort(key=lambda t: (t not in waitgraph.task_waits, _natural(t.get_name())))
    for t in tasks:
        b.task(t)
    lead = _representative(tasks)
    lead_entry = b.by_key.get(("task", id(lead))) if lead is not None else None
    for rec in list(waitgraph.active.values()):
        if rec.owner is not None or rec.waiters:
            b.lock(rec)
    return b.result(_timeout_summary(timeout_ms, described, lead_entry, len(tasks)), None)


def _timeout_summary(timeout_ms, threads, lead, n_tasks):
    secs = f"{timeout_ms / 1000:.2f} s" if timeout_ms >= 1000 else f"{timeout_ms} ms"
    parts = []
    if n_tasks:
        threads = [t for t in threads if not _idle_loop_thread(t)]
    for t in threads[:2]:
        verb = {"running": "is running", "blocked": "is blocked", "waiting": "waits"}.get(t["state"], "is")
        parts.append(f'Thread "{t["name"]}" {verb}{_place(t["chain"])}')
    if n_tasks:
        what = f"{n_tasks} task{'s' if n_tasks != 1 else ''} not done"
        if lead and lead["chain"]:
            what += f'; Task "{lead["name"]}" waits{_place(lead["chain"])}'
        parts.append(what)
    detail = "; ".join(parts) if parts else "no thread of the snippet is left"
    return f"main() had not returned after {secs}: {detail}"


def _idle_loop_thread(entry):
    chain = entry["chain"]
    return bool(chain) and chain[-1]["file"] == "selectors.py" and chain[-1]["function"].endswith(".select")


def minimal(summary):
    """A witness that only says what happened (when the full one cannot be built)."""
    return {"summary": summary, "cycle": None, "tasks": [], "locks": []}
