/**
 * One global lock order with async-mutex: every job takes expireMutex before publishMutex.
 *
 * Run it with `node solution.ts` (Node 22.18 or later) with async-mutex installed. It finishes
 * in well under a second and prints what the workload ran and checked: 100 jobs at once, expire
 * and autosync mixed over ten packages, four times.
 */
import { Mutex } from 'async-mutex';
import { setImmediate as nextTurn } from 'node:timers/promises';

// #region archive
/**
 * Package files in the pool, and the index of the published ones.
 *
 * Lock order: expireMutex, then publishMutex. Only withBoth() takes them.
 */
export class Archive {
	readonly expireMutex = new Mutex(); // no file leaves the pool while a job uses it
	readonly publishMutex = new Mutex(); // one writer of the published index
	readonly pool = new Set<string>();
	readonly published = new Set<string>();

	// #region order
	/** Runs `work` holding both mutexes, taken in the one order every job uses. */
	private withBoth(work: () => Promise<void>): Promise<void> {
		return this.expireMutex.runExclusive(() => this.publishMutex.runExclusive(work)); // ✓ one order
	}
	// #endregion order

	expire(pkg: string): Promise<void> {
		return this.withBoth(async () => {
			this.published.delete(pkg);
			await nextTurn(); // writing the index
			this.pool.delete(pkg);
		});
	}

	autosync(pkg: string): Promise<void> {
		return this.withBoth(async () => { // ✓ the same order as expire()
			this.pool.add(pkg);
			await nextTurn(); // copying the file
			this.published.add(pkg);
		});
	}
}
// #endregion archive

/** The archive published a package whose file is not in the pool. */
class InvariantBroken extends Error {
	override name = 'InvariantBroken';
}

function check(archive: Archive): void {
	const missing = [...archive.published].filter((p) => !archive.pool.has(p));
	if (missing.length > 0) throw new InvariantBroken(`published without a file in the pool: ${missing.sort().join(', ')}`);
}

/** A seeded pseudo-random generator (mulberry32): the same jobs and yield points on every run. */
function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export async function main() {
	const seeds = [1, 2, 3, 4];
	let returned = 0;
	for (const seed of seeds) {
		const rng = random(seed);
		const archive = new Archive();
		for (let n = 0; n < 10; n++) {
			archive.pool.add(`pkg-${n}`);
			archive.published.add(`pkg-${n}`);
		}
		// The jobs fight over ten packages: an autosync re-imports what an expire removes.
		const jobs = Array.from({ length: 100 }, async () => {
			const kind = rng() < 0.5 ? 'expire' : 'autosync';
			const pkg = `pkg-${Math.floor(rng() * 10)}`;
			for (let i = Math.floor(rng() * 3); i > 0; i--) await nextTurn(); // a seeded yield point
			await archive[kind](pkg);
			check(archive);
			returned += 1;
		});
		await Promise.all(jobs);
	}
	if (returned !== 400) throw new InvariantBroken(`${400 - returned} job(s) never returned`);
	return {
		concurrent: 100,
		jobs: returned,
		seeds,
		invariants: ['every published package has its file in the pool, after every job', 'every job returned'],
	};
}

if (import.meta.main) {
	console.log(await main());
}
