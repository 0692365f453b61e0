/**
 * Copy under the mutex, do the I/O outside it, write back under it if nothing changed meanwhile.
 *
 * Run it with `node solution.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts, with async-mutex installed. It finishes in well under a second (the round trips
 * overlap: about one latency per round) and prints what it ran and checked.
 */
import { Mutex } from 'async-mutex';
import { type LocalDb, type Remote, runWorkload, type Summary, type Value } from './workload.ts';

// #region store
/** A local copy of remote values: refreshed on demand, written locally. */
export class Store {
	private readonly remote: Remote;
	private readonly db: LocalDb;
	private readonly mutex = new Mutex();
	private readonly values = new Map<string, Value>();
	private readonly versions = new Map<string, number>();

	constructor(remote: Remote, db: LocalDb) {
		this.remote = remote;
		this.db = db;
	}

// #region refresh
	async refresh(key: string): Promise<void> {
		// 1. Copy what the I/O needs (here, the version) under the mutex.
		const seen = await this.mutex.runExclusive(() => this.versions.get(key) ?? 0);
		// 2. The slow I/O, with no mutex held.
		const value = await this.remote.fetch(key);
		// 3. Write back under the mutex, only if nothing was written meanwhile.
		await this.mutex.runExclusive(async () => {
			if ((this.versions.get(key) ?? 0) !== seen) return; // ✓ a newer value won
			await this.saveLocked(key, value);
		});
	}
// #endregion refresh

	async set(key: string, value: Value): Promise<void> {
		await this.mutex.runExclusive(() => this.saveLocked(key, value));
	}

	/** Caller MUST hold the mutex. */
	private async saveLocked(key: string, value: Value): Promise<void> {
		await this.db.save(key, value);
		this.values.set(key, value);
		this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
	}
}
// #endregion store

export async function main(): Promise<Summary> {
	return runWorkload(Store);
}

if (import.meta.main) {
	console.log(await main());
}
