"""Lock order, lockdep-style: which lock class was taken while which other was held, and where.

A lock's class is where it was created (its creation site; at report time the readable name,
`Store._lock`), not the instance, so two `Store` objects share one class. Every acquire
of a tracked lock (asyncio.Lock, threading.Lock, threading.RLock) records, for each lock its agent
(task or thread) already holds, the pair (held class -> taken class) the first time that pair is
seen, with the agent's name and both places. An inversion is a cycle among those pairs (A->B in
one place, B->A in another; longer cycles too): a deadlock waiting for the wrong interleaving, even
when this run completed.

Not reported: one consistent order; re-entry into an RLock its owner holds (it is not an acquire
of another lock); two locks used one after the other (the first is released before the second is
taken); two instances of the same class (`a._lock` then `b._lock`: one class, no order to invert).
Cost on the hot path: a dict lookup and a list append per acquire, a list removal per release.
"""
from . import frames, naming

MAX_CYCLE = 4

#: agent (task or ThreadAgent) -> LockRecords it holds, in acquisition order.
_held = {}
#: (held class, taken class) -> (agent name, held record, held stack, taken record, taken stack)
_orders = {}


def _agent_name(agent):
    try:
        return agent.display_name() if hasattr(agent, "display_name") else agent.get_name()
    except Exception:
        return "?"


def wants(agent, rec, frame):
    """`agent` is about to acquire `rec` from `frame` (before it may block, as lockdep checks):
    records each new (held class -> rec's class) pair. Costs one dict lookup when nothing is held."""
    held = _held.get(agent)
    if not held:
        return
    cls = rec.cls
    stack = None
    for h in held:
        if h.cls != cls and h is not rec:
            key = (h.cls, cls)
            if key not in _orders:
                if stack is None:
                    stack = frames.live_stack(frame)
                _orders[key] = (_agent_name(agent), h, h.acquired, rec, stack)


def took(agent, rec):
    """`agent` has just acquired `rec`."""
    held = _held.get(agent)
    if held is None:
        _held[agent] = [rec]
    else:
        held.append(rec)


def released(agent, rec):
    """`agent` (the owner on record) no longer holds `rec`."""
    held = _held.get(agent)
    if not held:
        return
    if held[-1] is rec:  # the commonest case: the lock taken last is released first
        if len(held) == 1:
            del _held[agent]
        else:
            held.pop()
        return
    for i in range(len(held) - 1, -1, -1):
        if held[i] is rec:
            del held[i]
            break
    if not held:
        del _held[agent]


def forget_all():
    """In a forked child: the parent's holdings are not this process's."""
    _held.clear()


def _place(stack):
    if not stack:
        return "?"
    shown = frames.to_frames(reversed(stack))
    f = frames.innermost_user_frame(shown) if shown else None
    return f"{f['file']}:{f['line']}" if f else "?"


def potential_deadlocks():
    """Every lock-order inversion seen so far, as PotentialDeadlock facts (src/verify/facts.ts)."""
    if not _orders:
        return []
    names = {}

    def name(rec):
        n = names.get(rec.cls)
        if n is None:
            n = names[rec.cls] = naming.lock_name(rec.kind, rec.site)
        return n

    edges = {}
    for (_a, _b), (agent, h, hstack, t, tstack) in list(_orders.items()):
        a, b = name(h), name(t)
        if a == b or (a, b) in edges:
            continue
        edges[(a, b)] = {
            "task": agent,
            "holding": {"lock": a, "at": _place(hstack)},
            "took": {"lock": b, "at": _place(tstack)},
        }
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    found = []
    for start in sorted(graph):
        _cycles_from(start, start, [start], graph, found)
    out = []
    for cycle in found:
        pairs = list(zip(cycle, cycle[1:] + cycle[:1]))
        out.append({"locks": list(cycle), "orders": [edges[p] for p in pairs]})
    return out


def _cycles_from(start, node, path, graph, found):
    """Elementary cycles through `start` whose other nodes sort after it (each found once)."""
    for nxt in sorted(graph.get(node, ())):
        if nxt == start:
            found.append(list(path))
        elif nxt > start and nxt not in path and len(path) < MAX_CYCLE:
            path.append(nxt)
            _cycles_from(start, nxt, path, graph, found)
            path.pop()
