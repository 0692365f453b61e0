/**
 * The workload every TypeScript Store variant of this trap runs under: workload.py in TypeScript.
 *
 * 100 concurrent callers mix setHash() (one file) and setMany() (every file, as one batch) in a
 * seeded random order and at seeded random yield points, four times with different seeds,
 * against one database connection. It checks what the mutex exists to protect:
 *
 * 1. one transaction at a time: the connection refuses a second BEGIN while a transaction is
 *    open, the way one database connection has one transaction at a time;
 * 2. no lost writes: the final hashes are those of replaying the completed calls one at a
 *    time, in the order they completed;
 * 3. every caller returns.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export const PATHS = Array.from({ length: 4 }, (_, i) => `src/mod${i}.ts`);

/** The store let two callers into its critical section at once, or lost a write. */
export class InvariantBroken extends Error {
	override name = 'InvariantBroken';
}

/** One database connection: one transaction at a time. Every call is a round trip (an await). */
export class Connection {
	readonly rows = new Map<string, string>();
	private open = false;
	private writes = new Map<string, string>();

	async begin(): Promise<void> {
		if (this.open) {
			throw new InvariantBroken('a transaction began while another was still open: two callers inside the critical section at once');
		}
		this.open = true;
		await nextTurn();
	}

	async execute(path: string, hash: string): Promise<void> {
		this.writes.set(path, hash);
		await nextTurn();
	}

	async commit(): Promise<void> {
		for (const [path, hash] of this.writes) this.rows.set(path, hash);
		this.writes = new Map();
		this.open = false;
		await nextTurn();
	}
}

/** What the workload needs from a Store variant. */
export interface Store {
	setHash(path: string, hash: string): Promise<void>;
	setMany(items: Array<[string, string]>): Promise<void>;
}

export type StoreClass = new (conn: Connection) => Store;

/** What a run of the workload ran and checked. */
export interface Summary {
	callers: number;
	concurrent: number;
	seeds: number[];
	setMany: number;
	setHash: number;
	invariants: string[];
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same run plan. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

async function runRound(StoreVariant: StoreClass, seed: number, callers: number): Promise<{ setMany: number; setHash: number }> {
	const random = seededRandom(seed);
	const conn = new Connection();
	const store = new StoreVariant(conn);
	const start = Promise.withResolvers<void>();
	const completed: Array<Array<[string, string]>> = [];
	const plan = Array.from({ length: callers }, (_, n) =>
		random() < 0.2
			? { op: 'setMany' as const, items: PATHS.map((path, i): [string, string] => [path, `h${seed}-${n}-${i}`]) }
			: { op: 'setHash' as const, items: [[PATHS[Math.floor(random() * PATHS.length)], `h${seed}-${n}`] as [string, string]] },
	);

	const caller = async (step: (typeof plan)[number]) => {
		await start.promise;
		for (let i = Math.floor(random() * 4); i > 0; i--) await nextTurn(); // a seeded yield point
		if (step.op === 'setMany') await store.setMany(step.items);
		else await store.setHash(...step.items[0]);
		completed.push(step.items); // no await since the call returned: completion order
	};

	const calls = plan.map(caller);
	start.resolve();
	await Promise.all(calls);

	const expected = new Map<string, string>();
	for (const items of completed) for (const [path, hash] of items) expected.set(path, hash);
	const lost = [...expected].filter(([path, hash]) => conn.rows.get(path) !== hash).map(([path]) => path);
	if (lost.length > 0) throw new InvariantBroken(`seed ${seed}: final hashes differ from a serial replay for ${lost.join(', ')}`);
	if (completed.length !== callers) throw new InvariantBroken(`seed ${seed}: ${callers - completed.length} caller(s) never returned`);
	const setMany = plan.filter((s) => s.op === 'setMany').length;
	return { setMany, setHash: callers - setMany };
}

/** Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked. */
export async function runWorkload(StoreVariant: StoreClass, callers = 100, seeds = [1, 2, 3, 4]): Promise<Summary> {
	const rounds = [];
	for (const seed of seeds) rounds.push(await runRound(StoreVariant, seed, callers));
	return {
		callers: callers * seeds.length,
		concurrent: callers,
		seeds,
		setMany: rounds.reduce((n, r) => n + r.setMany, 0),
		setHash: rounds.reduce((n, r) => n + r.setHash, 0),
		invariants: ['one transaction at a time on the connection', 'final hashes equal a serial replay', 'every caller returned'],
	};
}
