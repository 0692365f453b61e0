/**
 * A mutex held across a network round trip: every caller queues behind one fetch at a time.
 *
 * Run it with `node failure.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts, with async-mutex installed. It throws InvariantBroken: with about 50 refreshes
 * of 20 ms each done one at a time, the work needs about a second and misses its 500 ms
 * deadline; the message shows one caller in its fetch and the rest queued behind it.
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

	constructor(remote: Remote, db: LocalDb) {
		this.remote = remote;
		this.db = db;
	}

// #region refresh
	async refresh(key: string): Promise<void> {
		await this.mutex.runExclusive(async () => {
			// The mutex is held for a network round trip:
			const value = await this.remote.fetch(key); // ❌
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
	}
}
// #endregion store

export async function main(): Promise<Summary> {
	return runWorkload(Store);
}

if (import.meta.main) {
	console.log(await main());
}
