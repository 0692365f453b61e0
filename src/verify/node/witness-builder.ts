/**
 * Builds the witness (src/verify/witness.ts) from what the registry and the detector know: each
 * waiting task with its whole await chain, each lock with its holder and where it was taken.
 */
import type { Frame, Witness, WitnessLock, WitnessTask } from '../witness.ts';
import { toChain, type ChainContext } from './chain.ts';
import { awaitedRequests, type CycleProof } from './detector.ts';
import { labelLock } from './lock-label.ts';
import type { Holding, LockRegistry, LockRequest } from './lock-registry.ts';
import { sectionOfFrame } from './sections.ts';
import type { RawFrame } from './stack.ts';

/** At most this many tasks are listed; the rest are counted in `omittedTasks`. */
export const MAX_TASKS = 50;

export interface WitnessInput {
	registry: LockRegistry;
	/** The cycle, when the verdict rests on one. */
	proof: CycleProof | null;
	/** Why the witness is taken. */
	reason: 'cycle' | 'quiescence' | 'timeout';
	chain: ChainContext;
	timeoutMs: number;
	/** Where main() is defined, for the task that stands for main() itself. */
	main: Frame | null;
}

const at = (f: Frame | undefined) => (f ? `${f.file}:${f.line}` : 'an unknown place');
const taskOfSection = (contextId: number) => `ctx:${contextId}`;

/** A task before it is shown: its name and chain are only worked out for the tasks kept. */
interface Draft {
	task: Omit<WitnessTask, 'name' | 'chain'>;
	name: () => string;
	chain: () => Frame[];
}

/**
 * The witness for a deadlock (cycle or quiescence) or a timeout. At most {@link MAX_TASKS} tasks:
 * those of the cycle and the lock holders always, then waiting tasks in the order they asked.
 */
export function buildWitness(input: WitnessInput): Witness {
	const { registry, proof, reason, chain } = input;
	const stuck = reason !== 'timeout';
	const awaited = awaitedRequests(registry);
	const drafts = new Map<string, Draft>();
	const requestTask = new Map<LockRequest, string>();
	const locks = registry.activeLocks();

	const chainOf = (request: LockRequest) => () => toChain(completeStack(request, registry), chain, request.lock.apiFrames[request.api]);
	const holderChain = (h: Holding) => toChain(h.requestedBy(), chain);

	// Sections: a runExclusive callback holding its lock, maybe awaiting another request.
	for (const section of registry.sections.values()) {
		const request = awaited.get(section.id);
		const id = taskOfSection(section.context.id);
		drafts.set(id, {
			task: { id, kind: 'async-context', state: request ? 'waiting' : stuck ? 'blocked' : 'running', ...(request ? { waitsFor: request.lock.id } : {}) },
			name: () => section.context.name,
			chain: request ? chainOf(request) : () => holderChain(section.holding),
		});
		if (request) requestTask.set(request, id);
	}
	// Waiting requests: the innermost section awaiting them, or a task of their own.
	for (const lock of locks) {
		for (const request of lock.requests) {
			if (!request.pending || requestTask.has(request)) continue;
			const inner = request.awaitedBy.find((s) => registry.sections.has(s));
			if (inner !== undefined) {
				requestTask.set(request, taskOfSection(registry.sections.get(inner)!.context.id));
				continue;
			}
			const id = `request:${request.id}`;
			drafts.set(id, { task: { id, kind: 'async-context', state: 'waiting', waitsFor: lock.id }, name: () => request.name, chain: chainOf(request) });
			requestTask.set(request, id);
		}
	}
	// Holders through acquire(): their context's section task, or a task of their own.
	const ownerOf = (h: Holding): string => {
		if (h.section) return taskOfSection(h.context.id);
		const section = [...registry.sections.values()].find((s) => s.context === h.context);
		if (section) return taskOfSection(section.context.id);
		const id = `holder:${h.id}`;
		if (!drafts.has(id)) drafts.set(id, { task: { id, kind: 'async-context', state: stuck ? 'blocked' : 'running' }, name: () => h.name, chain: () => holderChain(h) });
		return id;
	};

	const witnessLocks: WitnessLock[] = locks.map((l) => {
		const label = labelLock(l, chain);
		const h = l.holding && !l.holding.released ? l.holding : null;
		return {
			id: l.id,
			name: label.name,
			kind: l.kind,
			...(label.createdAt ? { createdAt: label.createdAt } : {}),
			owner: h ? ownerOf(h) : null,
			acquiredAt: h ? holderChain(h) : null,
			waiters: [...new Set([...l.requests].filter((r) => r.pending).map((r) => requestTask.get(r)!).filter(Boolean))],
		};
	});

	if (!drafts.size) {
		drafts.set('ctx:0', { task: { id: 'ctx:0', kind: 'async-context', state: stuck ? 'blocked' : 'running' }, name: () => 'main', chain: () => (input.main ? [input.main] : []) });
	}

	disambiguate(witnessLocks); // Two `Account.lock`s in one witness become `Account.lock #1` and `#2`.
	const cycle = proof ? [...proof.steps.flatMap((s) => [taskOfSection(registry.sections.get(s.section)!.context.id), s.waitsFor]), taskOfSection(registry.sections.get(proof.steps[0].section)!.context.id)] : null;

	// Keep the cycle and every holder (the waiters refer to them), then waiting tasks in order.
	const must = new Set<string>([...(cycle ?? []), ...witnessLocks.map((l) => l.owner ?? '')]);
	let budget = MAX_TASKS - [...drafts.keys()].filter((id) => must.has(id)).length;
	const ordered = orderTasks([...drafts.values()].map((d) => d.task), cycle);
	const kept = ordered.filter((t) => must.has(t.id) || budget-- > 0).map((t) => drafts.get(t.id)!);
	const tasks = new Map(kept.map((d) => [d.task.id, { ...d.task, name: d.name(), chain: d.chain() } as WitnessTask]));
	disambiguate([...tasks.values()].filter((t) => cycle?.includes(t.id))); // Two `transfer`s in one cycle.
	for (const l of witnessLocks) l.waiters = l.waiters.filter((id) => tasks.has(id));

	return {
		summary: summarize(input, cycle, tasks, witnessLocks, [...drafts.values()].filter((d) => d.task.waitsFor).length),
		cycle,
		tasks: [...tasks.values()],
		locks: witnessLocks,
		...(ordered.length > kept.length ? { omittedTasks: ordered.length - kept.length } : {}),
	};
}

/**
 * A waiting request's await chain (from its latest probe), completed with who called it. V8 stops
 * at links it cannot (or, with the promise-link guard, may not) follow, such as `Promise.all`;
 * the stacks taken when the outermost section's runExclusive was called, or when the request
 * itself was made, still say who called (`main → runWorkload → …`).
 */
function completeStack(request: LockRequest, registry: LockRegistry): RawFrame[] {
	const frames = request.probed?.() ?? request.requestedBy();
	for (let i = frames.length - 1; i >= 0; i--) {
		const id = sectionOfFrame(frames[i]);
		const section = id === null ? undefined : registry.sections.get(id);
		if (section) return [...frames.slice(0, i + 1), ...section.holding.requestedBy()];
	}
	if (!request.probed) return frames;
	// Continue the probe's chain where the request-time stack has the same function further out.
	const callers = request.requestedBy();
	for (let i = frames.length - 1; i >= 0; i--) {
		const f = frames[i];
		if (f.native || !f.file) continue;
		const j = callers.findIndex((c) => c.function === f.function && c.file === f.file);
		if (j !== -1) return [...frames.slice(0, i + 1), ...callers.slice(j + 1)];
	}
	return frames;
}

/** Gives items that share a name a ` #n` suffix, in order, so that a cycle reads unambiguously. */
function disambiguate(items: { name: string }[]): void {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(item.name, (counts.get(item.name) ?? 0) + 1);
	const seen = new Map<string, number>();
	for (const item of items) {
		if ((counts.get(item.name) ?? 0) < 2) continue;
		const n = (seen.get(item.name) ?? 0) + 1;
		seen.set(item.name, n);
		item.name = `${item.name} #${n}`;
	}
}

/** Cycle tasks first (in cycle order), then waiting tasks, then the rest. */
function orderTasks<T extends { id: string; waitsFor?: string }>(tasks: T[], cycle: string[] | null): T[] {
	const rank = (t: T) => {
		const i = cycle?.indexOf(t.id) ?? -1;
		return i >= 0 ? i : t.waitsFor ? 1000 : 2000;
	};
	return tasks.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i).map(({ t }) => t);
}

/** One line: who waits on what, held by whom since where. */
function summarize(input: WitnessInput, cycle: string[] | null, tasks: Map<string, WitnessTask>, locks: WitnessLock[], waitingTotal: number): string {
	const lockById = new Map(locks.map((l) => [l.id, l]));
	const name = (taskId: string | null) => (taskId ? (tasks.get(taskId)?.name ?? taskId) : 'no one');
	const since = (l: WitnessLock) => at(l.acquiredAt?.[l.acquiredAt.length - 1]);

	if (cycle) {
		const [first, firstLock] = [cycle[0], lockById.get(cycle[1])!];
		if (cycle.length === 3) {
			const acq = firstLock.acquiredAt?.[firstLock.acquiredAt.length - 1];
			return `${name(first)} waits for ${firstLock.name}, which it already holds (acquired in ${acq?.function ?? name(first)} at ${at(acq)})`;
		}
		const parts: string[] = [];
		for (let i = 0; i + 2 < cycle.length; i += 2) {
			const l = lockById.get(cycle[i + 1])!;
			parts.push(`${i === 0 ? name(cycle[i]) : 'which'} waits for ${l.name}, held by ${name(cycle[i + 2])} since ${since(l)}`);
		}
		return `Deadlock cycle: ${parts.join(', ')}`;
	}

	const waiting = [...tasks.values()].filter((t) => t.waitsFor);
	const held = locks.filter((l) => l.owner);
	let detail: string;
	if (waiting.length) {
		const w = waiting[0];
		const l = lockById.get(w.waitsFor!)!;
		const more = waitingTotal > 1 ? ` (${waitingTotal - 1} more task${waitingTotal > 2 ? 's' : ''} waiting)` : '';
		detail = l.owner ? `${w.name} waits for ${l.name}, held by ${name(l.owner)} since ${since(l)}${more}` : `${w.name} waits for ${l.name}${more}`;
	} else if (held.length) {
		detail = held.map((l) => `${l.name} is held by ${name(l.owner)} since ${since(l)}`).join('; ');
	} else {
		detail = '';
	}
	if (input.reason === 'timeout') {
		const s = `main() did not return within ${input.timeoutMs} ms`;
		return detail ? `${s}; ${detail}` : `${s}; no async-mutex lock was held or awaited`;
	}
	return detail
		? `main() can never finish: ${detail}, and nothing left to run can release it`
		: 'main() is still pending, but nothing is left to run that could resume it (no timers, I/O or lock releases pending)';
}
