/**
 * Builds the witness (facts only: src/verify/facts.ts) from what the registry and the detector
 * know: each waiting task with its whole await chain, each Mutex or Semaphore with its holders
 * and where they took it, the edges between them, and the cycle when the verdict rests on one.
 */
import type { Frame, Holding as FactHolding, WaitEdge, Witness, WitnessResource, WitnessTask } from '../facts.ts';
import type { Reason } from '../vocabulary.ts';
import { toChain, type ChainContext } from './chain.ts';
import { awaitedRequests, type CycleProof } from './detector.ts';
import { collectGarbage } from './garbage.ts';
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

/** The vocabulary's reason code for each way this harness reaches a witness. */
export const REASON: Readonly<Record<WitnessInput['reason'], Reason>> = { cycle: 'wait-cycle', quiescence: 'quiescent-loop', timeout: 'timeout' };
const taskOfSection = (contextId: number) => `ctx:${contextId}`;

/** A task before it is shown: its name and chain are only worked out for the tasks kept. */
interface Draft {
	task: Omit<WitnessTask, 'name' | 'chain'>;
	/** The resource it waits on, if any (for ordering). */
	waitsOn?: string;
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
	const edges: WaitEdge[] = [];
	const locks = registry.activeLocks();
	// Which acquire() release functions the program can still call: a collected one never will be.
	const byHand = locks.some((l) => [...l.holdings].some((h) => h.releaser));
	const collected = byHand && collectGarbage();

	const chainOf = (request: LockRequest) => () => toChain(completeStack(request, registry), chain, request.lock.apiFrames[request.api]);
	const holderChain = (h: Holding) => toChain(h.requestedBy(), chain);
	const waitOp = (request: LockRequest) => (request.api === 'waitForUnlock' ? 'wait' : 'acquire') as WaitEdge['op'];
	const waiterAt = (request: LockRequest) => toChain(completeStack(request, registry), chain).at(-1);

	// Sections: a runExclusive callback holding its lock, maybe awaiting another request.
	for (const section of registry.sections.values()) {
		const request = awaited.get(section.id);
		const id = taskOfSection(section.context.id);
		drafts.set(id, {
			task: { id, kind: 'async-context', state: request ? 'waiting' : stuck ? 'blocked' : 'running' },
			waitsOn: request?.lock.id,
			name: () => section.context.name,
			chain: request ? chainOf(request) : () => holderChain(section.holding),
		});
		if (request) requestTask.set(request, id);
	}
	// acquire() holders of the cycle: the activation that holds the lock awaits a request.
	const holdings = new Map(registry.acquireHoldings().map((h) => [h.id, h]));
	const holderTask = (h: Holding) => {
		const section = [...registry.sections.values()].find((s) => s.context === h.context);
		return section ? taskOfSection(section.context.id) : `holder:${h.id}`;
	};
	const agentOf = (step: number) => (step > 0 ? taskOfSection(registry.sections.get(step)!.context.id) : holderTask(holdings.get(-step)!));
	for (const [step, request] of proof?.requests ?? []) {
		if (step > 0 || requestTask.has(request)) continue;
		const h = holdings.get(-step)!;
		const id = holderTask(h);
		drafts.set(id, { task: { id, kind: 'async-context', state: 'waiting' }, waitsOn: request.lock.id, name: () => h.name, chain: chainOf(request) });
		requestTask.set(request, id);
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
			drafts.set(id, { task: { id, kind: 'async-context', state: 'waiting' }, waitsOn: lock.id, name: () => request.name, chain: chainOf(request) });
			requestTask.set(request, id);
		}
	}
	// Holders through acquire(): their running section's task, the section that ended without
	// releasing (a leaked lock), or a task of their own.
	const ownerOf = (h: Holding): { agent: string; leaked?: FactHolding['leaked'] } => {
		if (h.section) return { agent: taskOfSection(h.context.id) };
		const section = [...registry.sections.values()].find((s) => s.context === h.context);
		if (section) return { agent: taskOfSection(section.context.id) };
		const ended = registry.endedSection(h.context);
		if (ended) {
			const id = taskOfSection(ended.context.id);
			if (!drafts.has(id)) {
				drafts.set(id, {
					task: { id, kind: 'async-context', state: 'done', ended: ended.ended ?? 'returned' },
					name: () => ended.context.name,
					chain: () => [],
				});
			}
			return { agent: id, leaked: ended.ended === 'raised' ? 'owner-raised' : 'owner-finished' };
		}
		const id = holderTask(h);
		// No reference to its release function is left: the frame that took it has ended without releasing.
		const gone = collected && h.releaser !== undefined && h.releaser.deref() === undefined;
		if (!drafts.has(id)) drafts.set(id, { task: { id, kind: 'async-context', state: gone ? 'done' : stuck ? 'blocked' : 'running' }, name: () => h.name, chain: () => (gone ? [] : holderChain(h)) });
		return { agent: id, ...(gone ? { leaked: 'frame-returned' as const } : {}) };
	};

	const resources: WitnessResource[] = locks.map((l) => {
		const label = labelLock(l, chain);
		const holders: FactHolding[] = [...l.holdings].map((h) => {
			const owner = ownerOf(h);
			const acquiredAt = holderChain(h);
			edges.push({ relation: 'held-by', from: l.id, to: owner.agent, op: 'release', ...(acquiredAt.length ? { at: acquiredAt.at(-1)! } : {}) });
			return { agent: owner.agent, acquiredAt, ...(l.type === 'Semaphore' ? { count: h.weight } : {}), ...(owner.leaked ? { leaked: owner.leaked } : {}) };
		});
		const waiters: string[] = [];
		for (const r of l.requests) {
			const agent = r.pending ? requestTask.get(r) : undefined;
			if (!agent || waiters.includes(agent)) continue;
			waiters.push(agent);
			const at = waiterAt(r);
			edges.push({ relation: 'waits', from: agent, to: l.id, op: waitOp(r), ...(at ? { at } : {}) });
		}
		return {
			id: l.id,
			kind: l.type === 'Mutex' ? 'lock' : 'semaphore',
			name: label.name,
			type: l.type,
			...(label.createdAt ? { createdAt: label.createdAt } : {}),
			holders,
			waiters,
			...(l.type === 'Semaphore' ? { state: { value: l.free(), initial: l.initial } } : {}),
		};
	});

	if (!drafts.size) {
		drafts.set('ctx:0', { task: { id: 'ctx:0', kind: 'async-context', state: stuck ? 'blocked' : 'running' }, name: () => 'main', chain: () => (input.main ? [input.main] : []) });
	}
	// At quiescence, a section (or main) that waits on no lock awaits a promise nothing left can settle.
	if (reason === 'quiescence') {
		for (const d of drafts.values()) {
			if (d.task.state !== 'blocked' || d.waitsOn || !d.task.id.startsWith('ctx:')) continue;
			const id = `future:${d.task.id}`;
			resources.push({ id, kind: 'future', name: 'Promise', type: 'Promise', waiters: [d.task.id], state: { done: false } });
			edges.push({ relation: 'waits', from: d.task.id, to: id, op: 'result' });
			d.waitsOn = id;
		}
	}

	disambiguate(resources); // Two `Account.lock`s in one witness become `Account.lock #1` and `#2`.
	const cycle = proof ? [...proof.steps.flatMap((s) => [agentOf(s.section), s.waitsFor]), agentOf(proof.steps[0].section)] : null;

	// Keep the cycle and every holder (the waiters refer to them), then waiting tasks in order.
	const must = new Set<string>([...(cycle ?? []), ...resources.flatMap((r) => (r.holders ?? []).map((h) => h.agent))]);
	let budget = MAX_TASKS - [...drafts.keys()].filter((id) => must.has(id)).length;
	const ordered = orderTasks([...drafts.values()], cycle);
	const kept = ordered.filter((d) => must.has(d.task.id) || budget-- > 0);
	const tasks = new Map(kept.map((d) => [d.task.id, { ...d.task, name: d.name(), chain: d.chain() } as WitnessTask]));
	disambiguate([...tasks.values()].filter((t) => cycle?.includes(t.id))); // Two `transfer`s in one cycle.
	for (const r of resources) r.waiters = r.waiters.filter((id) => tasks.has(id));

	return {
		reason: REASON[reason],
		cycle,
		tasks: [...tasks.values()],
		resources,
		edges: edges.filter((e) => tasks.has(e.relation === 'waits' ? e.from : e.to)),
		...(ordered.length > kept.length ? { omittedTasks: ordered.length - kept.length } : {}),
		...(reason === 'timeout' ? { timeoutMs: input.timeoutMs } : {}),
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
function orderTasks(drafts: Draft[], cycle: string[] | null): Draft[] {
	const rank = (d: Draft) => {
		const i = cycle?.indexOf(d.task.id) ?? -1;
		return i >= 0 ? i : d.task.state === 'waiting' ? 1000 : 2000;
	};
	return drafts.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map(({ d }) => d);
}
