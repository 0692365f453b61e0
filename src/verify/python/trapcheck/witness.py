"""Builds the witness of a verdict: facts only, as src/verify/facts.ts defines them (protocol v2).

Tasks and threads with their whole chains; resources (locks, events, conditions, semaphores,
queues, barriers, futures, tasks awaited, joined threads, executors) with readable names, state,
holders (and whether a holding leaked) and waiters; and the wait-for edges: `waits` from an agent
to a resource, `held-by` / `can-wake` from a resource to whoever holds it or could wake it. No
English: src/verify/words.ts writes every sentence. Bounded: at most MAX_TASKS tasks and threads
(holders and cycle members always), the rest counted in omittedTasks.
"""
import asyncio
import asyncio.tasks
import re
import sys
import threading

from . import executors, frames, naming, primitives, waitgraph, waits

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


def _loop_thread_ident(loop):
    return getattr(loop, "_thread_id", None) if loop is not None else None


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


def _ended(task):
    if task.cancelled():
        return "cancelled"
    try:
        return "raised" if task.exception() is not None else "returned"
    except BaseException:
        return "raised"


def _user_frame(chain):
    return frames.innermost_user_frame(chain) if chain else None


def _codes_of_task(task):
    return {code for code, _ in frames.await_chain(task.get_coro())}


def _codes_of_thread(ident):
    frame = sys._current_frames().get(ident)
    out = set()
    while frame is not None:
        out.add(frame.f_code)
        frame = frame.f_back
    return out


def acquired_chain(rec):
    """Where the holder of `rec` took it: (chain, innermost first, as frames.live_stack gives it;
    True when the call that took it is known to be still running). A thread lock's chain is
    completed from its holder's stack (frames.full_chain)."""
    chain = rec.acquired or ()
    mark = rec.anchor
    owner = rec.owner
    if mark is None or not isinstance(owner, waitgraph.ThreadAgent):
        return chain, False
    return frames.full_chain(chain, mark, sys._current_frames().get(owner.ident))


def _leak(rec, chain, running):
    """How the holder of `rec` no longer runs the code that took it, or None. `chain` and
    `running` as acquired_chain gives them."""
    owner = rec.owner
    if isinstance(owner, waitgraph.ThreadAgent):
        if not owner.alive():
            return "owner-finished"
        if running:
            # The call that took it (or whose `with` did, through a generator or __enter__ now
            # suspended or returned) is still running: nothing leaked.
            return None
        codes = _codes_of_thread(owner.ident)
    elif owner is not None:
        if owner.done():
            return {"returned": "owner-finished", "raised": "owner-raised", "cancelled": "owner-cancelled"}[_ended(owner)]
        codes = _codes_of_task(owner)
    else:
        return None
    # The frame that took it: the innermost frame of the snippet's own code in the acquiring chain
    # (a `with cond:` takes the lock inside Condition.__enter__, which returns at once with the
    # lock held for its caller); the innermost frame shown when the chain has none.
    shown = [code for code, _where in chain if not frames.hidden(code)]
    taker = next((code for code in shown if not frames.is_stdlib(code.co_filename)), shown[0] if shown else None)
    if taker is None:
        return None
    # Same function still on the stack: the frame may still be that one; claim nothing.
    return None if taker in codes else "frame-returned"


def _site_of(obj):
    """Where `obj` was created: its own record (`_tc_site`, see primitives.py), else that of the
    tracked lock it is over (a threading.Condition's `_lock`)."""
    d = getattr(obj, "__dict__", None)
    if not d:
        return None
    if d.get("_tc_site") is not None:
        return d["_tc_site"]
    rec = getattr(d.get("_lock"), "_rec", None)
    return rec.site if rec is not None else None


def _resource_name(obj, default_type):
    site = _site_of(obj) if obj is not None else None
    return naming.lock_name(default_type, site), site


class _Builder:
    """Collects agents, resources and edges; assigns readable unique ids; keeps the witness bounded."""

    def __init__(self):
        self.entries = []
        self.by_key = {}
        self.used = set()
        self.records = {}
        self.resources = {}  # key -> entry
        self.objects = {}  # key -> (obj, Wait) for non-lock resources, to fill at the end
        self.edges = []  # (relation, from_ref, to_ref, op, at) with refs ("agent", key) / ("res", key)
        self.left_out = set()
        self.agents_of = {}  # agent key -> the agent object (task or ThreadAgent) or ident

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

    # -- resources ------------------------------------------------------------------------------
    def lock(self, rec):
        """The resource key of a lock record (its entry is built at the end)."""
        self.records[rec.id] = rec
        return ("lock", rec.id)

    def resource(self, wait):
        """The resource key of a non-lock Wait (its entry is built at the end)."""
        obj = wait.obj
        key = ("obj", id(obj)) if not isinstance(obj, list) else ("objs", tuple(id(o) for o in obj))
        if key not in self.objects:
            self.objects[key] = (obj, wait)
        return key

    def edge(self, relation, src, dst, op, at=None):
        self.edges.append((relation, src, dst, op, at))

    # -- agents ---------------------------------------------------------------------------------
    def task(self, task, chain=None, state=None, force=False):
        """Adds an asyncio task (its await chain unless `chain` is given) and what it waits on."""
        key = ("task", id(task))
        if key in self.by_key:
            return self.by_key[key]
        lock_wait = waitgraph.task_waits.get(task)
        wait = None
        if not task.done() and lock_wait is None and not _is_current(task):
            try:
                wait = waits.task_wait(task)
            except Exception:
                wait = None
        if state is None:
            if task.done():
                state = "done"
            elif lock_wait is not None or wait is not None:
                state = "waiting"
            elif _is_current(task):
                state = "running"
            else:
                state = "blocked"
        if chain is None:
            chain = [] if task.done() else frames.to_frames(frames.await_chain(task.get_coro()))
        entry = {"kind": "task", "name": task.get_name(), "state": state, "chain": chain}
        if task.done():
            entry["ended"] = _ended(task)
        try:
            ident = _loop_thread_ident(task.get_loop())
            if ident is not None:
                entry["thread"] = _thread_name(ident)
        except Exception:
            pass
        entry = self._add(key, entry, force)
        if entry is None:
            return None
        self.agents_of[key] = task
        at = _user_frame(chain)
        if lock_wait is not None and state == "waiting":
            self.edge("waits", key, ("res", self.lock(lock_wait)), "acquire", at)
        elif wait is not None:
            self.edge("waits", key, ("res", self.resource(wait)), wait.op, at)
        return entry

    def thread(self, agent=None, ident=None, chain=None, state=None, force=False, frame=None):
        """Adds a thread (by agent or ident), its chain from its current stack unless given, and
        what it waits on (a lock, a Condition-based wait, a join)."""
        if agent is None:
            agent = waitgraph.agents.get(ident)
            if agent is not None and not agent.alive():
                agent = None
        ident = agent.ident if agent is not None else ident
        key = ("thread", id(agent)) if agent is not None else ("ident", ident)
        if key in self.by_key:
            return self.by_key[key]
        lock_wait = waitgraph.thread_waits.get(agent) if agent is not None else None
        cond = waitgraph.cond_waits.get(agent) if agent is not None else None
        joined = waitgraph.join_waits.get(agent) if agent is not None else None
        alive = agent.alive() if agent is not None else True
        if chain is None:
            if alive:
                if frame is None:
                    frame = sys._current_frames().get(ident)
                chain = frames.to_frames(reversed(frames.live_stack(frame)))
            else:
                chain = []
        waiting = lock_wait is not None or (cond is not None and cond.parked()) or joined is not None
        if state is None or (state in ("running", "blocked") and waiting):
            state = "waiting" if waiting else ("running" if alive else "done")
        name = agent.display_name() if agent is not None else _thread_name(ident)
        entry = {"kind": "thread", "name": name, "state": state, "chain": chain}
        if not alive:
            entry["ended"] = "returned"
        loop = _running_loop_of(ident)
        if loop is not None:
            entry["loopThread"] = True
            current = _current_task_of(loop)
            if current is not None:
                entry["_running_task"] = current
        entry = self._add(key, entry, force)
        if entry is None:
            return None
        self.agents_of[key] = agent if agent is not None else ident
        at = _user_frame(chain)
        if lock_wait is not None:
            if state == "waiting":
                self.edge("waits", key, ("res", self.lock(lock_wait.record)), "acquire", at)
        elif cond is not None and cond.parked():
            try:
                wait = waits.thread_wait(cond)
            except Exception:
                wait = waits.Wait(cond.cond, "condition", "threading.Condition", "wait")
            self.edge("waits", key, ("res", self.resource(wait)), wait.op, at)
        elif joined is not None:
            target = waitgraph.agents.get(joined)
            wait = waits.Wait(target, "thread", "threading.Thread", "join")
            self.edge("waits", key, ("res", self.resource(wait)), "join", at)
        return entry

    def agent(self, agent, force=True):
        """Adds a task or a thread agent."""
        if isinstance(agent, waitgraph.ThreadAgent):
            return self.thread(agent=agent, force=force)
        return self.task(agent, force=force)

    def agent_key(self, agent):
        return ("thread", id(agent)) if isinstance(agent, waitgraph.ThreadAgent) else ("task", id(agent))

    def agent_id(self, agent):
        return self.id_of(self.agent_key(agent))

    # -- the end --------------------------------------------------------------------------------
    def result(self, reason, cycle=None, timeout_ms=None):
        # Holders of the locks shown are always shown (even past the bound): the report names them.
        res_ids = {}
        resources = []
        # Building an entry may add agents (wakers, holders), and they may add resources: repeat.
        while True:
            new = [r for r in sorted(self.records.values(), key=lambda r: r.id) if ("lock", r.id) not in res_ids]
            new_objs = [(k, v) for k, v in list(self.objects.items()) if k not in res_ids]
            if not new and not new_objs:
                break
            for rec in new:
                if rec.owner is not None:
                    self.agent(rec.owner, force=True)
                entry = self._lock_entry(rec)
                res_ids[("lock", rec.id)] = entry["id"]
                resources.append(entry)
            for key, (obj, wait) in new_objs:
                entry = self._object_entry(key, obj, wait)
                res_ids[key] = entry["id"]
                resources.append(entry)
        edges = []
        seen = set()
        waiters = {}
        for relation, src, dst, op, at in self.edges:
            a = self._ref_id(src, res_ids)
            b = self._ref_id(dst, res_ids)
            if a is None or b is None or (relation, a, b, op) in seen:
                continue
            seen.add((relation, a, b, op))
            e = {"relation": relation, "from": a, "to": b, "op": op}
            if at:
                e["at"] = at
            edges.append(e)
            if relation == "waits":
                waiters.setdefault(b, []).append(a)
        for r in resources:
            if not r["waiters"]:
                r["waiters"] = waiters.get(r["id"], [])
        for t in self.entries:
            running = t.pop("_running_task", None)
            if running is not None:
                rid = self.id_of(("task", id(running)))
                if rid:
                    t["runningTask"] = rid
        out = {"reason": reason, "cycle": cycle, "tasks": self.entries, "resources": resources, "edges": edges}
        if self.left_out:
            out["omittedTasks"] = len(self.left_out)
        if timeout_ms is not None:
            out["timeoutMs"] = timeout_ms
        return out

    def _ref_id(self, ref, res_ids):
        if ref[0] == "res":
            return res_ids.get(ref[1])
        if ref[0] == "agent":  # already an id
            return ref[1]
        return self.id_of(ref)

    def _lock_entry(self, rec):
        kind = "rlock" if rec.kind == "threading.RLock" else "lock"
        entry = {
            "id": f"lock:{rec.id}",
            "kind": kind,
            "name": naming.lock_name(rec.kind, rec.site),
            "type": rec.kind,
            "holders": [],
            "waiters": [i for i in (self.agent_id(a) for a in waitgraph.waiters_of(rec)) if i],
        }
        if rec.site is not None:
            code, _lasti, line = rec.site
            entry["createdAt"] = frames.frame_of(code, line)
        if rec.owner is not None:
            owner_id = self.agent_id(rec.owner)
            if owner_id:
                chain, running = acquired_chain(rec)
                acquired = frames.to_frames(reversed(chain)) if chain else []
                holding = {"agent": owner_id, "acquiredAt": acquired}
                if kind == "rlock" and rec.depth > 1:
                    holding["count"] = rec.depth
                # A thread lock taken by a coroutine: the task that took it (it may be suspended
                # at an `await` while its thread's loop is blocked on the same lock).
                owner_task = getattr(rec, "owner_task", None)
                if owner_task is not None and isinstance(rec.owner, waitgraph.ThreadAgent):
                    task_entry = self.task(owner_task, force=True)
                    if task_entry is not None:
                        holding["task"] = task_entry["id"]
                try:
                    leaked = _leak(rec, chain, running)
                except Exception:
                    leaked = None
                if leaked:
                    holding["leaked"] = leaked
                entry["holders"].append(holding)
                # An owner-held lock is released only by its holder (a lock released by another
                # agent is tainted and left out of proofs).
                self.edges.append(("held-by", ("res", ("lock", rec.id)), ("agent", owner_id), "release", acquired[-1] if acquired else None))
        return entry

    def _object_entry(self, key, obj, wait):
        kind, type_, op = wait.kind, wait.type, wait.op
        if kind == "task" and isinstance(obj, asyncio.Task):
            name, site = obj.get_name(), None
        elif kind == "thread":
            name, site = (obj.display_name() if obj is not None else "?"), None
        elif isinstance(obj, list):
            jobs = [primitives.function_name(getattr(f, "__dict__", {}).get("_tc_fn")) for f in obj]
            named = [j for j in jobs if j]
            name, site = (", ".join(named[:3]) + (", …" if len(named) > 3 else "") if named else type_), None
        elif kind == "future" and (executor := _queued_job(obj)) is not None:
            # A job still queued: what it waits for is a free worker of its executor.
            kind, op = "executor", "run"
            obj = executor
            wait = waits.Wait(executor, "executor", "concurrent.futures.ThreadPoolExecutor", "run")
            name, site = _resource_name(executor, "concurrent.futures.ThreadPoolExecutor")
            type_ = "concurrent.futures.ThreadPoolExecutor"
        elif kind == "future" and _executor_source(obj) is not None and _executor_source(obj)[1]:
            name, site = _executor_source(obj)[1], None
        elif kind == "future" and getattr(obj, "__dict__", {}).get("_tc_fn"):
            # A future is known by what completes it: the job's function or the coroutine.
            name, site = primitives.function_name(obj.__dict__["_tc_fn"]), None
        else:
            name, site = _resource_name(obj, type_)
        # An awaited task or a joined thread is a resource too: its id must not read as the agent's.
        rid = self._new_id({"task": "await", "thread": "join"}.get(kind, kind), name)
        entry = {"id": rid, "kind": kind, "name": name, "type": type_, "waiters": []}
        if site is not None:
            code, _lasti, line = site
            entry["createdAt"] = frames.frame_of(code, line)
        try:
            state = _state_of(kind, obj)
        except Exception:
            state = None
        if state:
            entry["state"] = state
        for agent, wake_op in _wakers(kind, obj, op):
            akey = self.agent_key(agent) if not isinstance(agent, int) else ("ident", agent)
            if akey not in self.by_key:
                if isinstance(agent, int):
                    self.thread(ident=agent)
                elif isinstance(agent, waitgraph.ThreadAgent) and not agent.alive():
                    continue
                else:
                    self.agent(agent, force=False)
            aid = self.id_of(akey)
            if aid is not None:
                self.edges.append(("can-wake", ("res", key), ("agent", aid), wake_op, None))
        return entry


def _executor_source(fut):
    """(concurrent future, function name) behind an asyncio future of run_in_executor/to_thread."""
    if not isinstance(fut, asyncio.Future):
        return None
    source = primitives.executor_source(fut)
    if source is None:
        return None
    return source, primitives.function_name(source.__dict__.get("_tc_fn"))


def _queued_job(fut):
    """The executor of a concurrent.futures.Future whose job no worker has started, else None."""
    if not executors.is_job(fut) or getattr(fut, "_state", None) != "PENDING":
        return None
    return executors.executor_of(fut)


def _running_loop_of(ident):
    """The event loop running on thread `ident`, if any (from the loops quiescence hooked)."""
    if ident is None:
        return None
    from . import quiescence

    for loop in list(quiescence.loops):
        if getattr(loop, "_thread_id", None) == ident and loop.is_running():
            return loop
    return None


def _current_task_of(loop):
    try:
        return asyncio.tasks.current_task(loop)
    except Exception:
        return None


def _state_of(kind, obj):
    if obj is None or isinstance(obj, list):
        return None
    if kind == "event":
        return {"set": bool(obj.is_set())}
    if kind == "queue":
        state = {"size": obj.qsize(), "maxsize": obj.maxsize}
        unfinished = getattr(obj, "unfinished_tasks", None)
        if unfinished is None:
            unfinished = getattr(obj, "_unfinished_tasks", None)
        if unfinished is not None:
            state["unfinished"] = unfinished
        return state
    if kind == "semaphore":
        state = {"value": obj._value}
        initial = getattr(obj, "_bound_value", None)
        if initial is None:
            initial = obj.__dict__.get("_tc_initial")
        if initial is not None:
            state["initial"] = initial
        return state
    if kind == "condition":
        return {"lostNotifies": obj.__dict__.get("_tc_lost", 0)}
    if kind == "barrier":
        return {"parties": obj.parties}
    if kind in ("task", "future"):
        return {"done": bool(obj.done())} if hasattr(obj, "done") else None
    if kind == "executor":
        workers = [t.ident for t in list(getattr(obj, "_threads", ())) if t.ident is not None]
        current = sys._current_frames()
        busy = sum(1 for i in workers if not executors.is_idle_worker(i, current.get(i), set(workers)))
        return {"workers": obj._max_workers, "busy": busy}
    return None


def _wakers(kind, obj, op):
    """(agent, op) pairs: who could wake a waiter of `obj` (tasks, ThreadAgents or thread idents)."""
    out = []
    if obj is None:
        return out
    if kind == "queue":
        d = obj.__dict__
        if op == "put":
            out = [(a, "get") for a in d.get("_tc_consumers", ())]
        elif op == "join":
            out = [(a, "task_done") for a in d.get("_tc_consumers", ())]
        else:
            out = [(a, "put") for a in d.get("_tc_producers", ())]
    elif kind == "condition":
        out = [(a, "notify") for a in obj.__dict__.get("_tc_notifiers", ())]
    elif kind == "task":
        if isinstance(obj, asyncio.Task):
            out = [(obj, "complete")]
        elif isinstance(obj, list):
            out = [(t, "complete") for t in obj if isinstance(t, asyncio.Task) and not t.done()]
        elif getattr(obj, "_children", None) is not None:
            out = [(t, "complete") for t in obj._children if isinstance(t, asyncio.Task) and not t.done()]
        elif hasattr(obj, "_tasks"):  # TaskGroup
            out = [(t, "complete") for t in list(obj._tasks) if not t.done()]
    elif kind == "thread":
        out = [(obj, "complete")]
    elif kind == "future" and isinstance(obj, list):
        for f in obj:
            if not f.done():
                out.extend(_wakers("future", f, op))
    elif kind == "future":
        source = _executor_source(obj)
        if source is not None:
            executor = _queued_job(source[0])
            if executor is not None:
                return _wakers("executor", executor, "run")
            obj = source[0]
        d = getattr(obj, "__dict__", {})
        runner = executors.runner_of(obj) if executors.is_job(obj) and getattr(obj, "_state", None) == "RUNNING" else None
        loop = d.get("_tc_loop")
        if runner is not None and not obj.done():
            out = [(waitgraph.agents.get(runner) or runner, "complete")]
        elif loop is not None:
            ident = _loop_thread_ident(loop)
            if ident is not None:
                out = [(waitgraph.agents.get(ident) or ident, "complete")]
    elif kind == "executor":
        current = sys._current_frames()
        workers = {t.ident for t in list(getattr(obj, "_threads", ())) if t.ident is not None}
        for i in sorted(workers):
            if not executors.is_idle_worker(i, current.get(i), workers):
                out.append((waitgraph.agents.get(i) or i, "run"))
    return out


def _cycle_ids(builder, path):
    ids = []
    for agent, rec in path:
        ids += [builder.agent_id(agent), f"lock:{builder.lock(rec)[1]}"]
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
    chain = _requester_chain(requester_frame, True, True)
    b.task(requester, chain=chain, state="waiting", force=True)
    b.edge("waits", ("task", id(requester)), ("res", b.lock(rec0)), "acquire", _user_frame(chain))
    for agent, _rec in path[1:]:
        b.task(agent, force=True)
    cycle = _cycle_ids(b, path)
    # Then whoever queues behind the locks of the cycle, in queue order, then everyone else.
    for _agent, rec in path:
        for waiter in waitgraph.waiters_of(rec):
            b.task(waiter)
    _add_other_tasks(b, loop)
    return b.result("wait-cycle", cycle)


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
    waits_ = waitgraph.thread_waits
    waits_of_path = {agent: waits_.get(agent) for agent, _ in path}
    tasks_of = {agent: w.task for agent, w in waits_of_path.items() if w is not None and w.task is not None}
    chain = _requester_chain(requester_frame, False, False)
    b.thread(agent=requester, chain=chain, state="waiting", force=True)
    for agent, _rec in path[1:]:
        b.thread(agent=agent, force=True)
    cycle = _cycle_ids(b, path)
    for _agent, rec in path:
        for waiter in waitgraph.waiters_of(rec):
            b.thread(agent=waiter)
    _add_other_threads(b)
    # The tasks of an event loop stuck with its thread, if the cycle runs through one.
    for agent, task in tasks_of.items():
        try:
            for t in sorted(asyncio.all_tasks(task.get_loop()), key=lambda t: _natural(t.get_name())):
                b.task(t, state="running" if t is task else None)
        except RuntimeError:
            pass
        entry = b.by_key.get(("thread", id(agent)))
        if entry is not None:
            entry["loopThread"] = True
            entry["_running_task"] = task
    # A loop thread blocked on a thread lock that one of its own suspended coroutines took: only
    # that loop could resume the holder, and the loop is the thing that is blocked.
    suspended_holder = any(
        getattr(rec, "owner_task", None) is not None and rec.owner_task is not tasks_of.get(rec.owner)
        for _agent, rec in path
        if isinstance(rec.owner, waitgraph.ThreadAgent) and rec.owner in tasks_of
    )
    return b.result("loop-thread-blocked" if suspended_holder else "wait-cycle", cycle)


def quiescence(loop, tasks):
    """Witness for an event loop that can never wake again while `tasks` still wait."""
    b = _Builder()
    # Closest to the cause first: lock waiters, then tasks not merely awaiting other tasks.
    ordered = sorted(tasks, key=lambda t: (t not in waitgraph.task_waits, _awaits_tasks(t), _natural(t.get_name())))
    for t in ordered:
        b.task(t)
    with waitgraph.mutex:
        _add_other_threads(b, skip_current=True)
        return b.result("quiescent-loop", None)


def _awaits_tasks(task):
    """True when `task` is parked on another task or a gather (not the cause of anything)."""
    waiter = getattr(task, "_fut_waiter", None)
    return isinstance(waiter, asyncio.Task) or hasattr(waiter, "_children")


def stuck_threads(lock_waits, joins, parked, cycle_path=None):
    """Witness for threads stuck for good (stuck.all_threads_stuck): `lock_waits` maps
    ThreadAgent -> ThreadWait, `joins` ThreadAgent -> the agent it joins, `parked` ThreadAgent ->
    CondWait. Under the graph mutex."""
    b = _Builder()
    current = sys._current_frames()
    order = [a for a, _ in cycle_path] if cycle_path else []
    order += sorted((a for a in lock_waits if a not in order), key=lambda a: _natural(a.display_name()))
    # A loop thread blocked first: it is the cause of everything its loop would have run.
    order += sorted(parked, key=lambda a: (_running_loop_of(a.ident) is None, _natural(a.display_name())))
    for agent in order:
        b.thread(agent=agent, force=True, frame=current.get(agent.ident))
    for agent in sorted(joins, key=lambda a: _natural(a.display_name())):
        b.thread(agent=agent, frame=current.get(agent.ident))
    cycle = _cycle_ids(b, cycle_path) if cycle_path else None
    loops = []
    for agent, wait in lock_waits.items():
        if wait.task is not None:
            loops.append((agent, wait.task.get_loop(), wait.task))
    for agent, cond in parked.items():
        if cond.loop is not None:
            loops.append((agent, cond.loop, _current_task_of(cond.loop)))
    for agent, loop, running in loops:
        try:
            for t in sorted(asyncio.all_tasks(loop), key=lambda t: _natural(t.get_name())):
                b.task(t, state="running" if t is running else None)
        except RuntimeError:
            pass
        entry = b.by_key.get(("thread", id(agent)))
        if entry is not None:
            entry["loopThread"] = True
            if running is not None:
                entry["_running_task"] = running
    if cycle_path:
        reason = "wait-cycle"
    elif any(c.loop is not None for c in parked.values()):
        reason = "loop-thread-blocked"
    else:
        reason = "threads-blocked"
    return b.result(reason, cycle)


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
        if agent is None or (agent not in waitgraph.thread_waits and agent not in waitgraph.cond_waits):
            state = "blocked" if agent in waitgraph.join_waits else "running"
        b.thread(agent=agent, ident=ident, frame=current[ident], state=state)


def timeout(timeout_ms, thread_states=None, detect=True):
    """Witness for a run that did not finish in time: what every thread and task was doing."""
    b = _Builder()
    thread_states = thread_states or {}
    current = sys._current_frames()
    workers = executors.worker_idents()
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
        b.thread(agent=agent, ident=ident, frame=frame, state=state or "running")
    tasks = all_live_tasks()
    tasks.sort(key=lambda t: (t not in waitgraph.task_waits, _natural(t.get_name())))
    for t in tasks:
        b.task(t)
    for rec in waitgraph.locks_in_use():
        b.lock(rec)
    return b.result("timeout", None, timeout_ms=timeout_ms)


def minimal(reason, timeout_ms=None):
    """A witness with the reason only (when the full one cannot be built)."""
    out = {"reason": reason, "cycle": None, "tasks": [], "resources": [], "edges": []}
    if timeout_ms is not None:
        out["timeoutMs"] = timeout_ms
    return out
