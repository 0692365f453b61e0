/**
 * The workload every TypeScript Store variant of this trap runs under: workload.py in TypeScript.
 *
 * 100 concurrent callers mix refresh() (fetch a key's value from a remote service: one network
 * round trip of LATENCY_MS) and set() (write a key locally) over 10 keys, in a seeded random
 * order and at seeded random yield points, four times with different seeds. It checks:
 *
 * 1. the deadline: every caller returns within DEADLINE_MS. Done concurrently, the round trips
 *    take about one LATENCY_MS; done one after another, N refreshes take N x LATENCY_MS;
 * 2. no stale write: a value is never saved over a newer one. Every value carries the logical
 *    time it was made (a set() call, or the start of a fetch); along each key's saves that
 *    time never goes back;
 * 3. every caller returns.
 *
 * The simulated network is a timer: the timer IS the I/O here, not a way to order callers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

export const KEYS = Array.from({ length: 10 }, (_, i) => `user:${i}`);
export const LATENCY_MS = 20;
export const DEADLINE_MS = 500;

/** The store missed the deadline, or saved a value over a newer one. */
export class InvariantBroken extends Error {
	override name = 'InvariantBroken';
}

export interface Value {
	/** Logical time: when set() was called, or when the fetch started. */
	madeAt: number;
	source: 'set' | 'fetched';
}

/** Which caller is running: lets the remote say who is in a fetch. */
const callerName = new AsyncLocalStorage<string>();

/** The remote service: one round trip per fetch. Knows which callers are in a fetch right now. */
export class Remote {
	readonly inFlight = new Set<string>();
	private readonly clock: () => number;

	constructor(clock: () => number) {
		this.clock = clock;
	}

	async fetch(_key: string): Promise<Value> {
		const value: Value = { madeAt: this.clock(), source: 'fetched' }; // the service's state when the request arrives
		const me = callerName.getStore() ?? '?';
		this.inFlight.add(me);
		try {
			await sleep(LATENCY_MS); // the network round trip
		} finally {
			this.inFlight.delete(me);
		}
		return value;
	}
}

/** The local database: a save is one turn of the event loop. Keeps every save, in order. */
export class LocalDb {
	readonly saves: Array<[string, Value]> = [];

	async save(key: string, value: Value): Promise<void> {
		await nextTurn();
		this.saves.push([key, value]);
	}
}

/** What the workload needs from a Store variant. */
export interface Store {
	refresh(key: string): Promise<void>;
	set(key: string, value: Value): Promise<void>;
}

export type StoreClass = new (remote: Remote, db: LocalDb) => Store;

/** What a run of the workload ran and checked. */
export interface Summary {
	callers: number;
	concurrent: number;
	seeds: number[];
	refresh: number;
	set: number;
	latencyMs: number;
	deadlineMs: number;
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

function checkNoStaleWrite(seed: number, saves: Array<[string, Value]>): void {
	const newest = new Map<string, Value>();
	for (const [key, value] of saves) {
		const before = newest.get(key);
		if (before && value.madeAt < before.madeAt) {
			throw new InvariantBroken(
				`seed ${seed}: a value of '${key}' ${value.source} at t=${value.madeAt} was saved over one ${before.source} at t=${before.madeAt}: the newer write is lost`,
			);
		}
		newest.set(key, value);
	}
}

async function runRound(StoreVariant: StoreClass, seed: number, callers: number): Promise<{ refresh: number; set: number }> {
	const random = seededRandom(seed);
	let time = 0;
	const clock = () => time++;
	const remote = new Remote(clock);
	const db = new LocalDb();
	const store = new StoreVariant(remote, db);
	const plan = Array.from({ length: callers }, () => ({
		op: random() < 0.5 ? ('refresh' as const) : ('set' as const),
		key: KEYS[Math.floor(random() * KEYS.length)],
	}));
	const start = Promise.withResolvers<void>();
	const pending = new Set<string>();

	const caller = (n: number, { op, key }: (typeof plan)[number]) =>
		callerName.run(`caller-${n}`, async () => {
			pending.add(`caller-${n}`);
			await start.promise;
			for (let i = Math.floor(random() * 4); i > 0; i--) await nextTurn(); // a seeded yield point
			if (op === 'refresh') await store.refresh(key);
			else await store.set(key, { madeAt: clock(), source: 'set' });
			pending.delete(`caller-${n}`);
		});

	const calls = Promise.all(plan.map((step, n) => caller(n, step)));
	start.resolve();
	const deadline = new AbortController();
	const missed = await Promise.race([calls.then(() => false), sleep(DEADLINE_MS, true, { signal: deadline.signal }).catch(() => false)]);
	deadline.abort();
	if (missed) {
		const fetching = [...remote.inFlight];
		const queued = [...pending].filter((name) => !remote.inFlight.has(name));
		const refreshes = plan.filter((s) => s.op === 'refresh').length;
		throw new InvariantBroken(
			`seed ${seed}: ${pending.size} of ${callers} callers missed the ${DEADLINE_MS} ms deadline. ` +
				`In a network fetch: ${fetching.join(', ') || 'nobody'}; queued behind it: ${queued.length} callers ` +
				`(${queued.slice(0, 3).join(', ')}, ...). ${refreshes} refreshes x ${LATENCY_MS} ms, one at a time, need ${refreshes * LATENCY_MS} ms`,
		);
	}
	checkNoStaleWrite(seed, db.saves);
	const refreshes = plan.filter((s) => s.op === 'refresh').length;
	return { refresh: refreshes, set: callers - refreshes };
}

/** Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked. */
export async function runWorkload(StoreVariant: StoreClass, callers = 100, seeds = [1, 2, 3, 4]): Promise<Summary> {
	const rounds = [];
	for (const seed of seeds) rounds.push(await runRound(StoreVariant, seed, callers));
	return {
		callers: callers * seeds.length,
		concurrent: callers,
		seeds,
		refresh: rounds.reduce((n, r) => n + r.refresh, 0),
		set: rounds.reduce((n, r) => n + r.set, 0),
		latencyMs: LATENCY_MS,
		deadlineMs: DEADLINE_MS,
		invariants: [`every caller returned within ${DEADLINE_MS} ms`, 'no value saved over a newer one', 'every caller returned'],
	};
}
