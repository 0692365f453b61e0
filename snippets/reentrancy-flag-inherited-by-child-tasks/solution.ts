/**
 * The seed's public / ...Locked pair: no flag to inherit, and one call chain doing the writes under the mutex.
 *
 * Run it with `node solution.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts, with async-mutex installed. It finishes in well under a second and prints what
 * the workload ran and checked.
 */
import { Mutex } from 'async-mutex';
import { type Connection, runWorkload, type Summary } from './workload.ts';

// #region store
/** Content hashes per file, written to one database connection. */
export class Store {
	private readonly conn: Connection;
	private readonly mutex = new Mutex();

	constructor(conn: Connection) {
		this.conn = conn;
	}

	async setHash(path: string, hash: string): Promise<void> {
		await this.mutex.runExclusive(async () => {
			await this.conn.begin();
			await this.setHashLocked(path, hash);
			await this.conn.commit();
		});
	}

// #region set_many
	async setMany(items: Array<[string, string]>): Promise<void> {
		await this.mutex.runExclusive(async () => { // one transaction for the batch
			await this.conn.begin();
			for (const [path, hash] of items) {
				await this.setHashLocked(path, hash); // ✓
			}
			await this.conn.commit();
		});
	}
// #endregion set_many

	/** Caller MUST hold the mutex. */
	private async setHashLocked(path: string, hash: string): Promise<void> {
		await this.conn.execute(path, hash);
	}
}
// #endregion store

export async function main(): Promise<Summary> {
	return runWorkload(Store);
}

if (import.meta.main) {
	console.log(await main());
}
