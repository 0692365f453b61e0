import type { Witness as FactsWitness } from './facts.ts';
import { formatWitness as formatFacts, summarize } from './words.ts';

/** The one-line summary of a witness of either protocol version. */
export function witnessSummary(w: Witness | FactsWitness): string {
	return 'reason' in w ? summarize(w) : w.summary;
}

/**
 * The witness: what a reader needs to see why a run is stuck. Harnesses (Python, Node) emit it
 * as JSON; {@link formatWitness} turns it into the report the CLI prints and pages show.
 */

/** One frame of a call or await chain. */
export interface Frame {
	/** Function name as the runtime reports it, e.g. `Store.rebuild` or `rebuild`. */
	function: string;
	/** File path, relative to the snippet's folder when inside it, else as short as is still clear. */
	file: string;
	/** 1-based line. */
	line: number;
}

/** A task, thread or async context that the witness mentions. */
export interface WitnessTask {
	/** Unique within the witness, e.g. `task:caller-7`, `thread:MainThread`. */
	id: string;
	kind: 'task' | 'thread' | 'async-context';
	/** The name a developer would recognise (asyncio task name, thread name). */
	name: string;
	/** `waiting` for a lock, `blocked` in some other wait, `running`, or `done` (a thread that ended holding a lock). */
	state: 'waiting' | 'blocked' | 'running' | 'done';
	/** Lock id this task waits for, when `waiting`. */
	waitsFor?: string;
	/** Whole call or await chain, outermost first (`main` … `Lock.acquire`). */
	chain: Frame[];
	/** For asyncio tasks: the thread whose event loop runs them. */
	thread?: string;
}

/** A lock in the wait-for graph. */
export interface WitnessLock {
	/** Unique within the witness, e.g. `lock:1`. */
	id: string;
	/** Readable name, from where it was created: `Store._lock`. */
	name: string;
	kind: string;
	/** Where the lock was created. */
	createdAt?: Frame;
	/** Task id of the holder, or null when free. */
	owner: string | null;
	/** The holder's chain at the moment it acquired the lock, outermost first. */
	acquiredAt: Frame[] | null;
	/** Task ids waiting, in queue order. */
	waiters: string[];
	/** Recursion depth of a reentrant lock. */
	depth?: number;
}

/** Why a run is stuck, or what it was doing when it timed out. */
export interface Witness {
	/** One line: who waits on what, held by whom since where. */
	summary: string;
	/** The wait-for cycle as alternating ids `[task, lock, task, lock, …]`, closing on the first task; null without one. */
	cycle: string[] | null;
	/** Tasks and threads, the ones in the cycle first. */
	tasks: WitnessTask[];
	locks: WitnessLock[];
	/** Tasks left out to keep the witness readable. */
	omittedTasks?: number;
}

const at = (f: Frame) => `${f.function} (${f.file}:${f.line})`;

function describeTask(t: WitnessTask): string {
	const kind = t.kind === 'thread' ? 'Thread' : t.kind === 'task' ? 'Task' : 'Async context';
	return `${kind} "${t.name}"${t.thread && t.kind === 'task' ? ` on thread ${t.thread}` : ''}`;
}

/**
 * Formats a witness as a report in the manner of jstack's "Found one Java-level deadlock": each
 * blocked task with its whole chain, the lock it waits for, and the holder with where it took it.
 */
export function formatWitness(w: Witness | FactsWitness, maxTasks = 3): string {
	if ('reason' in w) return formatFacts(w, maxTasks);
	const tasks = new Map(w.tasks.map((t) => [t.id, t]));
	const locks = new Map(w.locks.map((l) => [l.id, l]));
	const out: string[] = [w.summary, ''];
	const shown = new Set<string>();
	const ordered = w.cycle ? [...new Set(w.cycle.filter((id) => tasks.has(id)))] : [];
	for (const t of w.tasks) if (!ordered.includes(t.id)) ordered.push(t.id);

	// Group plain waiters that are not in the cycle, so 100 queued callers stay one line.
	const inCycle = new Set(w.cycle ?? []);
	const queued = new Map<string, WitnessTask[]>();
	for (const id of ordered) {
		const t = tasks.get(id)!;
		if (shown.size >= maxTasks && !inCycle.has(id) && t.waitsFor) {
			queued.set(t.waitsFor, [...(queued.get(t.waitsFor) ?? []), t]);
			continue;
		}
		shown.add(id);
		out.push(describeTask(t));
		if (t.waitsFor) {
			const lock = locks.get(t.waitsFor);
			if (lock) {
				out.push(`  waits for ${lock.name} (${lock.kind})`);
				if (lock.owner) {
					const owner = tasks.get(lock.owner);
					const who = lock.owner === t.id ? 'itself' : owner ? describeTask(owner) : lock.owner;
					out.push(`  which is held by ${who}${lock.depth && lock.depth > 1 ? ` (${lock.depth} times)` : ''}`);
					if (lock.acquiredAt?.length) out.push(`    since ${at(lock.acquiredAt[lock.acquiredAt.length - 1])}`);
				} else {
					out.push('  which no one holds');
				}
			}
		} else {
			out.push(`  ${t.state}`);
		}
		if (t.chain.length) {
			out.push(`  ${t.kind === 'thread' ? 'call' : 'await'} chain, outermost first:`);
			for (const f of t.chain) out.push(`    ${at(f)}`);
		}
		out.push('');
	}
	for (const [lockId, waiting] of queued) {
		const lock = locks.get(lockId);
		const counts = new Map<string, number>();
		for (const t of waiting) {
			const fn = t.chain.findLast((f) => !/acquire|runExclusive|waitForUnlock|_acquire/.test(f.function))?.function ?? t.name;
			counts.set(fn, (counts.get(fn) ?? 0) + 1);
		}
		const byFn = [...counts].map(([fn, n]) => `${fn} ×${n}`).join(', ');
		out.push(`Also waiting for ${lock?.name ?? lockId}: ${waiting.length} more (${byFn}).`);
	}
	if (w.omittedTasks) out.push(`(${w.omittedTasks} more tasks left out.)`);
	return out.join('\n').trimEnd();
}
