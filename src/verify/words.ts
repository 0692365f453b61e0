/**
 * The one layer that writes words: it turns a harness's facts (`facts.ts`) into the report the
 * CLI prints, the JSON carries as `summary`, the pages show and the exports copy. The same
 * situation reads the same whichever language produced it, and every limit is set here.
 */
import type { Frame, Holding, PotentialDeadlock, WaitEdge, Witness, WitnessResource, WitnessTask } from './facts.ts';
import type { Leak, WaitOp } from './vocabulary.ts';

/** Every limit of the report, set once. */
export const LIMITS = {
	/** Tasks described in full; further waiters on an already-shown resource are folded into one line. */
	tasksShown: 3,
	/** How deep a "who could wake it, and what is that one doing" explanation follows wakers. */
	explainDepth: 3,
	/** Wakers named in one phrase before "and N more". */
	wakersNamed: 3,
} as const;

/** The graph of a witness, indexed for the sentences below. */
interface Graph {
	w: Witness;
	task: (id: string) => WitnessTask | undefined;
	resource: (id: string) => WitnessResource | undefined;
	/** The resource an agent waits on, with the operation. */
	waitOf: (agentId: string) => { resource: WitnessResource; edge: WaitEdge } | undefined;
	/** Agents that could wake a resource, with what they would do. */
	wakersOf: (resourceId: string) => Array<{ agent: string; op: WaitOp }>;
}

function indexWitness(w: Witness): Graph {
	const tasks = new Map(w.tasks.map((t) => [t.id, t]));
	const resources = new Map(w.resources.map((r) => [r.id, r]));
	const waits = new Map<string, WaitEdge>();
	for (const e of w.edges) if (e.relation === 'waits' && !waits.has(e.from)) waits.set(e.from, e);
	// A waiter listed on a resource but without an edge still waits on it (harnesses may send either).
	for (const r of w.resources) {
		for (const id of r.waiters) {
			if (!waits.has(id)) waits.set(id, { relation: 'waits', from: id, to: r.id, op: defaultOp(r) });
		}
	}
	const wakers = new Map<string, Array<{ agent: string; op: WaitOp }>>();
	for (const e of w.edges) {
		if (e.relation !== 'can-wake') continue;
		const list = wakers.get(e.from) ?? [];
		if (!list.some((x) => x.agent === e.to)) list.push({ agent: e.to, op: e.op });
		wakers.set(e.from, list);
	}
	return {
		w,
		task: (id) => tasks.get(id),
		resource: (id) => resources.get(id),
		waitOf(agentId) {
			const edge = waits.get(agentId);
			const resource = edge && resources.get(edge.to);
			return edge && resource ? { resource, edge } : undefined;
		},
		wakersOf: (id) => wakers.get(id) ?? [],
	};
}

function defaultOp(r: WitnessResource): WaitOp {
	switch (r.kind) {
		case 'lock':
		case 'rlock':
		case 'semaphore':
			return 'acquire';
		case 'queue':
			return r.state?.maxsize && (r.state.size ?? 0) >= r.state.maxsize ? 'put' : 'get';
		case 'future':
		case 'task':
			return 'result';
		case 'thread':
			return 'join';
		case 'executor':
			return 'run';
		default:
			return 'wait';
	}
}

// -- small phrases ----------------------------------------------------------------------------

const code = (s: string) => `\`${s}\``;

/** `failure.py:21`. */
export function place(f: Frame): string {
	return `${f.file}:${f.line}`;
}

/** `Store.rebuild (failure.py:21)`: one frame as a chain line shows it. */
export function frameText(f: Frame): string {
	return `${f.function} (${place(f)})`;
}

/** `Task \`caller-3\``, `Thread \`worker\``, `Section \`rebuild#2\``. */
export function agentText(t: WitnessTask | undefined, id?: string): string {
	if (!t) return `an agent ${code(id ?? '?')} that is not in the witness`;
	const kind = t.kind === 'thread' ? 'Thread' : t.kind === 'task' ? 'Task' : 'Section';
	return `${kind} ${code(t.name)}`;
}

/** The class of a resource as a reader names it: `Lock`, `RLock`, `Mutex`, `Queue`, `Future`. */
function typeLabel(r: WitnessResource): string {
	const last = r.type.split(/[.\s]/).filter(Boolean).pop();
	if (last && /^[A-Z]/.test(last)) return last;
	return r.kind.charAt(0).toUpperCase() + r.kind.slice(1);
}

/** `Lock \`Store._lock\``. */
export function resourceText(r: WitnessResource): string {
	return `${typeLabel(r)} ${code(r.name)}`;
}

const LEAK_TEXT: Record<Leak, string> = {
	'owner-finished': 'which finished without releasing it',
	'owner-raised': 'which raised without releasing it',
	'owner-cancelled': 'which was cancelled without releasing it',
	'frame-returned': 'whose code that took it returned without releasing it',
	'frame-raised': 'whose code that took it raised without releasing it',
};

/** Where a holding was taken: `acquired in \`Pool.take\` at pool.ts:30`. */
function acquiredText(h: Holding): string {
	const f = h.acquiredAt[h.acquiredAt.length - 1];
	return f ? `acquired in ${code(f.function)} at ${place(f)}` : 'where it was acquired is unknown';
}

/** What a waiter is waiting for on a resource, e.g. `waits for room in Queue \`jobs\` (full, maxsize 1)`. */
export function waitText(r: WitnessResource, op: WaitOp): string {
	const s = r.state ?? {};
	switch (r.kind) {
		case 'queue':
			if (op === 'put') return `waits for room in ${resourceText(r)} (full${s.maxsize ? `, maxsize ${s.maxsize}` : ''})`;
			if (op === 'join') return `waits for ${resourceText(r)} to be drained${s.unfinished !== undefined ? ` (${s.unfinished} unfinished)` : ''}`;
			return `waits for an item in ${resourceText(r)} (empty)`;
		case 'event':
			return `waits for ${resourceText(r)}${s.set === false ? ' (not set)' : ''}`;
		case 'condition': {
			const lost = s.lostNotifies ? `; ${s.lostNotifies} notify${s.lostNotifies > 1 ? 's' : ''} came while no one waited and ${s.lostNotifies > 1 ? 'were' : 'was'} lost` : '';
			return `waits for a notify on ${resourceText(r)}${lost}`;
		}
		case 'semaphore': {
			const free = s.value !== undefined ? ` (${s.value}${s.initial !== undefined ? ` of ${s.initial}` : ''} free)` : '';
			return `waits for a permit of ${resourceText(r)}${free}`;
		}
		case 'barrier':
			return `waits at ${resourceText(r)}${s.parties ? ` (${r.waiters.length} of ${s.parties} parties arrived)` : ''}`;
		case 'future':
			return `waits for the result of ${resourceText(r)}`;
		case 'task':
			return `waits for ${resourceText(r)} to finish`;
		case 'thread':
			return `waits for ${resourceText(r)} to end`;
		case 'executor':
			return `waits for a free worker of ${resourceText(r)}${s.workers ? ` (${s.busy ?? s.workers} of ${s.workers} busy)` : ''}`;
		default:
			return `waits for ${resourceText(r)}`;
	}
}

const WAKE_VERB: Partial<Record<WaitOp, string>> = {
	release: 'release it',
	set: 'set it',
	notify: 'notify it',
	get: 'take from it',
	put: 'put into it',
	task_done: 'mark its items done',
	complete: 'complete it',
	run: 'run it',
	join: 'join it',
};

/** What the resource needs from someone to wake its waiter: `set it`, `take from it`. */
function neededVerb(r: WitnessResource, op: WaitOp): string {
	switch (r.kind) {
		case 'event':
			return 'set';
		case 'condition':
			return 'notify';
		case 'queue':
			return op === 'put' ? 'take from' : op === 'join' ? 'drain' : 'fill';
		case 'future':
		case 'task':
			return 'complete';
		case 'barrier':
			return 'reach';
		case 'thread':
			return 'end';
		case 'executor':
			return 'free a worker of';
		default:
			return 'release';
	}
}

// -- explanations -----------------------------------------------------------------------------

/**
 * Why `agentId` cannot go on: what it waits for and who holds or could wake that, following the
 * chain of waits up to {@link LIMITS.explainDepth} steps and stopping at a repeat.
 */
function explainWait(g: Graph, agentId: string, seen: Set<string>, depth: number): string {
	const wait = g.waitOf(agentId);
	if (!wait) return '';
	const { resource: r, edge } = wait;
	const parts = [waitText(r, edge.op)];
	const holders = r.holders ?? [];
	if (holders.length) {
		parts.push(holders.map((h) => holderText(g, agentId, h, seen, depth)).join('; '));
	} else if (r.kind === 'lock' || r.kind === 'rlock') {
		parts.push('which no one holds');
	} else {
		const others = g.wakersOf(r.id).some((x) => x.agent !== agentId);
		const self = g.wakersOf(r.id).some((x) => x.agent === agentId);
		return `${parts[0]}${others || self ? '; ' : ', '}${wakersText(g, r, edge.op, agentId, seen, depth)}`;
	}
	return parts.filter(Boolean).join(', ');
}

function holderText(g: Graph, waiter: string, h: Holding, seen: Set<string>, depth: number): string {
	const count = h.count && h.count > 1 ? ` (${h.count} ${g.resource(g.waitOf(waiter)?.resource.id ?? '')?.kind === 'semaphore' ? 'permits' : 'times'})` : '';
	if (h.agent === waiter && h.task && h.task !== g.task(waiter)?.runningTask) {
		const task = g.task(h.task);
		const at = task ? innermostUserFrame(task.chain) : undefined;
		const suspended = at ? `, which is suspended in ${code(at.function)} at ${place(at)}` : '';
		return `held by this same thread for ${agentText(task, h.task)} (${acquiredText(h)})${suspended}`;
	}
	if (h.agent === waiter) return `which it already holds${count} (${acquiredText(h)})`;
	const holder = g.task(h.agent);
	const who = `held by ${agentText(holder, h.agent)}${count}`;
	if (h.leaked) return `${who}, ${LEAK_TEXT[h.leaked]} (${acquiredText(h)})`;
	if (holder?.state === 'done') return `${who}, which finished without releasing it (${acquiredText(h)})`;
	const since = h.acquiredAt.length ? ` since ${place(h.acquiredAt[h.acquiredAt.length - 1])}` : '';
	return `${who}${since}${onward(g, h.agent, seen, depth)}`;
}

/** `, which waits for …` for an agent not yet explained, within the depth limit. */
function onward(g: Graph, agentId: string, seen: Set<string>, depth: number): string {
	if (seen.has(agentId)) return '';
	const t = g.task(agentId);
	if (!g.waitOf(agentId)) {
		if (t?.state === 'done') return ', which has finished';
		const at = t ? innermostUserFrame(t.chain) : undefined;
		return t && t.state !== 'running' && at ? `, which is suspended in ${code(at.function)} at ${place(at)}` : '';
	}
	if (depth >= LIMITS.explainDepth) return ', which is blocked too';
	seen.add(agentId);
	return `, which ${explainWait(g, agentId, seen, depth + 1)}`;
}

function wakersText(g: Graph, r: WitnessResource, op: WaitOp, waiter: string, seen: Set<string>, depth: number): string {
	const all = g.wakersOf(r.id);
	const wakers = all.filter((x) => x.agent !== waiter);
	const verb = neededVerb(r, op);
	if (!wakers.length) {
		const self = all.find((x) => x.agent === waiter);
		if (!self && g.w.reason === 'loop-thread-blocked' && g.task(waiter)?.kind === 'task') {
			return `which only its event loop could ${verb}, and that loop's thread is blocked`;
		}
		if (!self) return `which nothing left to run will ${verb}`;
		const kind = g.task(waiter)?.kind === 'thread' ? 'thread' : 'task';
		return `only this ${kind} itself could ${WAKE_VERB[self.op] ?? `${verb} it`}, and it is the one waiting`;
	}
	const role = WAKE_VERB[wakers[0].op] ?? `${verb} it`;
	const named = wakers.slice(0, LIMITS.wakersNamed).map((x) => `${code(g.task(x.agent)?.name ?? x.agent)}${onward(g, x.agent, seen, depth)}`);
	const more = wakers.length > LIMITS.wakersNamed ? ` and ${wakers.length - LIMITS.wakersNamed} more` : '';
	const kind = g.task(wakers[0].agent)?.kind === 'thread' ? 'thread' : 'task';
	const lead = wakers.length === 1 ? `the only ${kind} that could ${role}` : `the ${wakers.length} ${kind}s that could ${role}`;
	return `${lead}, ${named.join('; ')}${more}`;
}

/** The innermost frame in the snippet's own files (not a library's), if any. */
export function innermostUserFrame(chain: Frame[]): Frame | undefined {
	for (let i = chain.length - 1; i >= 0; i--) {
		if (!isLibraryFile(chain[i].file)) return chain[i];
	}
	return undefined;
}

/** Library frames are shown by module (`asyncio/locks.py`, `node:internal/…`, `async-mutex/…`). */
export function isLibraryFile(file: string): boolean {
	return /^(node:|asyncio\/|threading\.py$|concurrent\/|queue\.py$|selectors\.py$|async-mutex\/|<)/.test(file) || file.includes('node_modules/');
}

// -- the summary line -------------------------------------------------------------------------

const NOTHING_LEFT = 'no ready callbacks, timers, I/O or busy threads';

/** The order of agents a summary starts from: the cycle's, else waiters closest to the cause. */
function leadAgents(g: Graph): string[] {
	if (g.w.cycle?.length) return g.w.cycle.filter((id) => g.task(id));
	const waiting = g.w.tasks.filter((t) => g.waitOf(t.id));
	// Closest to the cause: not merely awaiting another task.
	waiting.sort((a, b) => Number(g.waitOf(a.id)!.resource.kind === 'task') - Number(g.waitOf(b.id)!.resource.kind === 'task'));
	return waiting.map((t) => t.id);
}

/**
 * One line: who waits on what, held by (or wakeable only by) whom since where — the sentence a
 * developer with a frozen service reads first.
 */
export function summarize(w: Witness): string {
	const g = indexWitness(w);
	const lead = leadAgents(g);
	const first = lead[0];
	const who = first ? agentText(g.task(first), first) : '';
	switch (w.reason) {
		case 'wait-cycle': {
			if (!first) return 'A wait-for cycle was found.';
			return `${who} ${explainWait(g, first, new Set([first]), 0)}`;
		}
		case 'quiescent-loop': {
			if (!first) return `Tasks wait and nothing is left that could wake them (${NOTHING_LEFT}).`;
			const more = w.omittedTasks ? `; ${lead.length} tasks shown waiting, ${w.omittedTasks} more left out of this witness` : lead.length > 1 ? `; ${lead.length} tasks wait in all` : '';
			return `${who} ${explainWait(g, first, new Set([first]), 0)}${more}; nothing else can wake them (${NOTHING_LEFT})`;
		}
		case 'threads-blocked': {
			if (!first) return 'Every thread that could wake the waiters is blocked for good.';
			const more = lead.length > 1 ? `; ${lead.length} threads wait for good` : '';
			return `${who} ${explainWait(g, first, new Set([first]), 0)}${more}; no live thread can wake them`;
		}
		case 'loop-thread-blocked': {
			const thread = w.tasks.find((t) => t.loopThread && g.waitOf(t.id)) ?? (first ? g.task(first) : undefined);
			if (!thread) return 'The event-loop thread is blocked in a wait that only its own loop could end.';
			const wait = g.waitOf(thread.id)!;
			const r = wait.resource;
			const what =
				r.kind === 'future'
					? `blocked in ${code(`${typeLabel(r)}.result()`)} on the event-loop thread; only that loop can complete the future ${code(r.name)}`
					: `blocked on the event-loop thread: it ${explainWait(g, thread.id, new Set([thread.id]), 0)}; only this thread's event loop could run the code that would ${neededVerb(r, wait.edge.op)} it, and the loop is blocked here`;
			return `${agentText(thread)} is ${what}`;
		}
		case 'timeout': {
			const secs = w.timeoutMs !== undefined ? formatSeconds(w.timeoutMs) : 'its timeout';
			const waiting = first ? `; ${who} ${explainWait(g, first, new Set([first]), 0)}` : '';
			const busy = w.tasks.find((t) => t.state === 'running' && t.chain.length);
			const running = !first && busy ? `; ${agentText(busy)} is running in ${frameText(busy.chain[busy.chain.length - 1])}` : '';
			const open = w.tasks.filter((t) => t.state !== 'done').length;
			return `main() had not returned after ${secs} and no deadlock was proven: ${open} task${open === 1 ? '' : 's'} or thread${open === 1 ? '' : 's'} not done${waiting}${running}`;
		}
	}
}

function formatSeconds(ms: number): string {
	return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`;
}

// -- the whole report -------------------------------------------------------------------------

/**
 * Formats a witness as a report in the manner of jstack's "Found one Java-level deadlock": the
 * summary, then each blocked task with its whole chain, what it waits for, and who holds or
 * could wake that. A waiter that does exactly what one already shown does, and every waiter
 * beyond {@link LIMITS.tasksShown} queued on a resource already shown, are folded into one line
 * per resource.
 */
export function formatWitness(w: Witness, maxTasks: number = LIMITS.tasksShown): string {
	const g = indexWitness(w);
	const out: string[] = [summarize(w), ''];
	const cycle = new Set(w.cycle ?? []);
	const order = [...new Set([...leadAgents(g), ...w.tasks.map((t) => t.id)])];
	const shownResources = new Set<string>();
	const folded = new Map<string, WitnessTask[]>();
	// A waiter doing exactly what one already shown does (same resource, same chain) adds nothing.
	const shapes = new Set<string>();
	const shapeOf = (t: WitnessTask, resourceId: string) => `${resourceId}\0${t.kind}\0${t.chain.map((f) => `${f.function}@${place(f)}`).join('\0')}`;
	let shown = 0;
	for (const id of order) {
		const t = g.task(id);
		if (!t) continue;
		const wait = g.waitOf(id);
		const repeat = !!wait && shapes.has(shapeOf(t, wait.resource.id));
		if ((shown >= maxTasks || repeat) && !cycle.has(id) && (!wait || shownResources.has(wait.resource.id))) {
			if (wait) folded.set(wait.resource.id, [...(folded.get(wait.resource.id) ?? []), t]);
			else folded.set('', [...(folded.get('') ?? []), t]);
			continue;
		}
		shown++;
		out.push(`${agentText(t)}${t.thread && t.kind === 'task' ? ` on thread ${code(t.thread)}` : ''}`);
		if (wait) {
			shownResources.add(wait.resource.id);
			shapes.add(shapeOf(t, wait.resource.id));
			out.push(`  ${explainWait(g, id, new Set([id]), LIMITS.explainDepth - 1)}`);
			const createdAt = wait.resource.createdAt;
			out.push(`  (${wait.resource.type}${createdAt ? `, created at ${place(createdAt)}` : ''})`);
		} else {
			out.push(`  ${t.state === 'done' ? `finished${t.ended && t.ended !== 'returned' ? ` (${t.ended})` : ''}` : t.state}`);
		}
		for (const h of w.resources.flatMap((r) => (r.holders ?? []).filter((x) => x.agent === id).map((x) => ({ r, h: x })))) {
			if (wait?.resource.id === h.r.id) continue;
			out.push(`  holds ${resourceText(h.r)}, ${acquiredText(h.h)}${h.h.leaked ? ` (${LEAK_TEXT[h.h.leaked].replace(/^which |^whose /, '')})` : ''}`);
		}
		if (t.chain.length) {
			out.push(`  ${t.kind === 'thread' ? 'call' : 'await'} chain, outermost first:`);
			for (const f of t.chain) out.push(`    ${frameText(f)}`);
		}
		out.push('');
	}
	for (const [resourceId, tasks] of folded) {
		if (!resourceId) {
			out.push(`(${tasks.length} more task${tasks.length === 1 ? '' : 's'} not shown.)`);
			continue;
		}
		const r = g.resource(resourceId)!;
		const counts = new Map<string, number>();
		for (const t of tasks) {
			const fn = innermostUserFrame(t.chain)?.function ?? t.name;
			counts.set(fn, (counts.get(fn) ?? 0) + 1);
		}
		out.push(`Also waiting for ${resourceText(r)}: ${tasks.length} more (${[...counts].map(([fn, n]) => `${fn} ×${n}`).join(', ')}).`);
	}
	if (w.omittedTasks) out.push(`(${w.omittedTasks} more tasks left out.)`);
	return out.join('\n').trimEnd();
}

/**
 * The lock-order warning printed after a verdict: for each inversion, the locks and every place
 * where one was taken while the other was held.
 */
export function formatPotentialDeadlocks(list: readonly PotentialDeadlock[] | undefined): string {
	if (!list?.length) return '';
	return list
		.map((p) => {
			const names = p.locks.map(code);
			const head = `Potential deadlock (lock-order inversion): ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' and ' : ''}${names[names.length - 1]} are taken in ${p.locks.length > 2 ? 'a cycle of' : 'both'} orders; run concurrently, this can deadlock.`;
			const lines = p.orders.map((o) => `  ${o.task} takes ${code(o.took.lock)} at ${o.took.at} while holding ${code(o.holding.lock)} (taken at ${o.holding.at})`);
			return [head, ...lines].join('\n');
		})
		.join('\n\n');
}
