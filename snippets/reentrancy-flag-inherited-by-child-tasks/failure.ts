/**
 * A "mutex already held" flag in AsyncLocalStorage: Promise.all() children see it too, and all walk past the mutex.
 *
 * The flag was added to stop the seed's deadlock (a locked method calling another locked
 * method). It works while one call chain nests calls. Here setMany() holds the mutex and fans
 * out setHash() with Promise.all(): every child runs inside the store the parent set, so every
 * child skips the mutex and they run their transactions at the same time.
 *
 * Run it with `node failure.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts, with async-mutex installed. It throws InvariantBroken: the connection sees a
 * second transaction begin while the first is still open.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import { type Connection, runWorkload, type Summary } from './workload.ts';

// #region store
const mutexHeld = new AsyncLocalStorage<true>();

/** Content hashes per file, written to one database connection. */
export class Store {
	private readonly conn: Connection;
	private readonly mutex = new Mutex();

	constructor(conn: Connection) {
		this.conn = conn;
	}

// #region locked
	private async locked<T>(fn: () => Promise<T>): Promise<T> {
		// A child of the holder sees the flag too:
		if (mutexHeld.getStore()) return fn(); // ❌
		return this.mutex.runExclusive(() => mutexHeld.run(true, fn));
	}
// #endregion locked

	async setHash(path: string, hash: string): Promise<void> {
		await this.locked(async () => {
			await this.conn.begin();
			await this.conn.execute(path, hash);
			await this.conn.commit();
		});
	}

	async setMany(items: Array<[string, string]>): Promise<void> {
		// No other writer between our writes, and all of ours at once:
		await this.locked(async () => {
			await Promise.all(items.map(([p, h]) => this.setHash(p, h)));
		});
	}
}
// #endregion store

export async function main(): Promise<Summary> {
	return runWorkload(Store);
}

if (import.meta.main) {
	console.log(await main());
}
