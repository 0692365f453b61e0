/**
 * Whether a deadlock witness explains itself: for every waiter, the facts a reader needs to see
 * why nothing will ever wake it. The snippet suite refuses a `deadlock` whose proof a reader could
 * not follow, whatever the waiters wait on (locks, semaphores, events, conditions, queues,
 * futures, executors, joins), instead of demanding that every waiter waits for an owned lock.
 */
import type { Witness as FactsWitness, WitnessResource, WitnessTask } from './facts.ts';

/** Resource kinds whose waiters are freed by a holder's release; the others by a waker. */
const LOCK_LIKE = new Set(['lock', 'rlock']);

const describeAgent = (t: WitnessTask | undefined, id: string) =>
	t ? `${t.kind === 'thread' ? 'Thread' : t.kind === 'task' ? 'Task' : 'Async context'} "${t.name}"` : `"${id}"`;
const describeResource = (r: WitnessResource) => `${r.type || r.kind} "${r.name}" (${r.id})`;

/**
 * What a deadlock witness fails to show, one sentence per gap; empty when it explains the proof.
 * - the witness names at least one waiter, and every agent and resource it refers to;
 * - a lock waiter: the lock's holder and where it was taken, or a leaked holding;
 * - a semaphore, event, condition, queue, future, executor (any other kind) waiter: the resource
 *   is named, and each of its `can-wake` edges points at an agent that is stuck or done (or it
 *   has none: nothing left could wake it);
 * - a cycle: every member is in the witness.
 */
export function explainProof(witness: FactsWitness | null | undefined): string[] {
	if (!witness) return ['the run reports a deadlock but sends no witness: a reader cannot see who waits for what'];
	if (!('reason' in witness)) return ['the witness is not in the facts protocol (src/verify/facts.ts): update the harness'];
	const w = witness;
	const missing: string[] = [];
	if (w.reason === 'timeout') missing.push('the witness gives "timeout" as the reason of a deadlock: no proof shape (cycle, quiescent loop, blocked threads)');
	const tasks = new Map(w.tasks.map((t) => [t.id, t]));
	const resources = new Map(w.resources.map((r) => [r.id, r]));
	const known = (id: string) => tasks.has(id) || resources.has(id);
	const gone = (w.omittedTasks ?? 0) > 0;

	// Who waits on what: `waits` edges, and waiters listed on a resource (harnesses may send either).
	const waits = new Map<string, string>();
	for (const e of w.edges) {
		if (e.relation === 'waits' && !waits.has(e.from)) waits.set(e.from, e.to);
		const [agent, resource] = e.relation === 'waits' ? [e.from, e.to] : [e.to, e.from];
		// A task left out to keep the witness short may be named by an edge; a resource may not.
		const unknown = [...(resources.has(resource) ? [] : [resource]), ...(tasks.has(agent) || gone ? [] : [agent])];
		if (unknown.length) missing.push(`the ${e.relation} edge ${e.from} → ${e.to} names ${unknown.join(' and ')}, which the witness does not describe`);
	}
	for (const r of w.resources) for (const id of r.waiters) if (!waits.has(id)) waits.set(id, r.id);
	if (waits.size === 0) missing.push('the witness names no waiting task or thread: a reader cannot see what is stuck');

	// A task "running" on a thread that is itself blocked for good is as stuck as its thread.
	const blockedThreads = new Set(w.tasks.filter((t) => t.kind === 'thread' && t.state !== 'running').map((t) => t.name));
	const stuckOrDone = (id: string) => {
		const t = tasks.get(id);
		if (!t) return gone; // An omitted task was left out as one more waiter.
		return t.state !== 'running' || (t.kind === 'task' && !!t.thread && blockedThreads.has(t.thread));
	};
	for (const [agentId, resourceId] of waits) {
		const who = describeAgent(tasks.get(agentId), agentId);
		const r = resources.get(resourceId);
		if (!r) {
			missing.push(`${who} waits on ${resourceId}, which the witness does not describe`);
			continue;
		}
		if (!r.name?.trim()) missing.push(`${who} waits on an unnamed ${r.kind} (${r.id}): name the resource so a reader can find it`);
		if (LOCK_LIKE.has(r.kind)) {
			const holders = r.holders ?? [];
			const heldBy = w.edges.filter((e) => e.relation === 'held-by' && e.from === r.id);
			if (holders.length === 0 && heldBy.length === 0) {
				missing.push(`${who} waits for ${describeResource(r)}, but the witness names no holder and no leaked holding`);
				continue;
			}
			for (const h of holders) {
				if (!h.leaked && h.acquiredAt.length === 0) {
					missing.push(`${who} waits for ${describeResource(r)}, held by ${describeAgent(tasks.get(h.agent), h.agent)}, but not where it was taken`);
				}
			}
			if (holders.length === 0) {
				for (const e of heldBy) if (!e.at) missing.push(`${who} waits for ${describeResource(r)}, held by ${describeAgent(tasks.get(e.to), e.to)}, but not where it was taken`);
			}
			continue;
		}
		for (const e of w.edges) {
			if (e.relation !== 'can-wake' || e.from !== r.id) continue;
			if (!stuckOrDone(e.to)) {
				missing.push(`${who} waits on ${describeResource(r)}, which ${describeAgent(tasks.get(e.to), e.to)} could still ${e.op} (${tasks.has(e.to) ? 'it is running' : 'it is not in the witness'})`);
			}
		}
	}

	if (w.reason === 'wait-cycle' && !(w.cycle && w.cycle.length >= 2)) missing.push('the reason is a wait-for cycle, but the witness gives no cycle');
	for (const id of w.cycle ?? []) if (!known(id)) missing.push(`the cycle names ${id}, which the witness does not describe`);
	return [...new Set(missing)];
}
