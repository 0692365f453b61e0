/**
 * The workload every TypeScript cache variant of this trap runs under: workload.py in TypeScript.
 *
 * 100 concurrent callers ask for 5 keys in a seeded random order, after seeded random yield
 * points, four times with different seeds. The service behind the cache is slow: it answers
 * only once every caller of the round has asked for its key, the interleaving production gets
 * whenever a fetch takes longer than the gap between two callers. It checks what the cache
 * promises:
 *
 * 1. one fetch per key, however many callers ask for it at once;
 * 2. every caller gets the value the service returned for its key;
 * 3. every caller returns.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export const KEYS = Array.from({ length: 5 }, (_, i) => `user:${i}`);

export type Fetch = (key: string) => Promise<string>;

/** What the workload needs from a cache variant. */
export interface Cache {
	get(key: string): Promise<string>;
}

export type CacheClass = new (fetch: Fetch) => Cache;

/** The cache did something no caller of a cache expects. */
export class InvariantBroken extends Error {
	override name = 'InvariantBroken';
}

/** What a run of the workload ran and checked. */
export interface Summary {
	callers: number;
	concurrent: number;
	seeds: number[];
	keys: number;
	fetches: number;
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

/** The service behind the cache: counts fetches per key, answers once told to. */
class SlowService {
	readonly fetches = new Map<string, number>();
	private readonly answered = Promise.withResolvers<void>();

	fetch = async (key: string): Promise<string> => {
		this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
		await this.answered.promise; // the network round trip: over only when the round says so
		return `value of ${key}`;
	};

	answer(): void {
		this.answered.resolve();
	}
}

async function runRound(CacheVariant: CacheClass, seed: number, callers: number): Promise<number> {
	const random = seededRandom(seed);
	const service = new SlowService();
	const cache = new CacheVariant(service.fetch);
	const plan = Array.from({ length: callers }, () => KEYS[Math.floor(random() * KEYS.length)]);
	const got = new Map<number, string>();
	let asked = 0;
	const everyoneAsked = Promise.withResolvers<void>();

	const caller = async (n: number, key: string) => {
		for (let i = Math.floor(random() * 3); i > 0; i--) await nextTurn(); // a seeded yield point
		asked += 1;
		if (asked === callers) everyoneAsked.resolve(); // runs on: this caller reaches its first await in get() first
		got.set(n, await cache.get(key));
	};

	const calls = plan.map((key, n) => caller(n, key));
	await everyoneAsked.promise; // every caller is now inside get(), waiting
	service.answer();
	await Promise.all(calls);

	const askers = new Map<string, number>();
	for (const key of plan) askers.set(key, (askers.get(key) ?? 0) + 1);
	for (const [key, count] of [...service.fetches].sort()) {
		if (count !== 1) {
			throw new InvariantBroken(
				`seed ${seed}: '${key}' was fetched ${count} times for ${askers.get(key)} concurrent callers; a cache fetches each key once`,
			);
		}
	}
	const wrong = plan.flatMap((key, n) => (got.get(n) === `value of ${key}` ? [] : [n]));
	if (wrong.length > 0) throw new InvariantBroken(`seed ${seed}: callers ${wrong.join(', ')} did not get the value of their key`);
	return [...service.fetches.values()].reduce((a, b) => a + b, 0);
}

/** Runs `callers` concurrent callers against a fresh cache per seed; returns what ran and was checked. */
export async function runWorkload(CacheVariant: CacheClass, callers = 100, seeds = [1, 2, 3, 4]): Promise<Summary> {
	let fetches = 0;
	for (const seed of seeds) fetches += await runRound(CacheVariant, seed, callers);
	return {
		callers: callers * seeds.length,
		concurrent: callers,
		seeds,
		keys: KEYS.length,
		fetches,
		invariants: ['one fetch per key', "every caller got its key's value", 'every caller returned'],
	};
}
