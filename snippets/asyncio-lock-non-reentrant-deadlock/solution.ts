/**
 * The public / ...Locked pattern with async-mutex: public methods take the mutex, private
 * ...Locked methods assume it is held.
 *
 * Run it with `node solution.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * aiodb.ts and workload.ts, with async-mutex installed. It finishes in well under a second and
 * prints what the workload ran and checked.
 */
import { Mutex } from 'async-mutex';
import type { AsyncConnection } from './aiodb.ts';
import { digest, extractNames, runWorkload, type Summary } from './workload.ts';

// #region store
/** An index of source files: a content hash per file and the entities defined in it. */
export class Store {
	private readonly conn: AsyncConnection;
	private readonly sources: ReadonlyMap<string, string>;
	private readonly mutex = new Mutex();

	constructor(conn: AsyncConnection, sources: ReadonlyMap<string, string>) {
		this.conn = conn;
		this.sources = sources;
	}

	/** Public API — acquires the mutex. */
	async setHash(path: string, hash: string): Promise<void> {
		await this.mutex.runExclusive(async () => {
			await this.setHashLocked(path, hash);
			await this.conn.commit();
		});
	}

	/** Internal — the caller MUST hold the mutex. */
	private async setHashLocked(path: string, hash: string): Promise<void> {
		await this.conn.execute(
			'INSERT INTO hashes (path, hash) VALUES (?, ?) ' +
				'ON CONFLICT (path) DO UPDATE SET hash = excluded.hash',
			[path, hash],
		);
	}

	async rebuild(): Promise<void> {
		await this.mutex.runExclusive(async () => {
			await this.deleteAllLocked();
			await this.extractEntitiesLocked();
			for (const [path, text] of this.sources) {
				await this.setHashLocked(path, digest(text)); // ✓ No deadlock
			}
			await this.conn.commit();
		});
	}

	/** Internal — the caller MUST hold the mutex. */
	private async deleteAllLocked(): Promise<void> {
		await this.conn.execute('DELETE FROM entities');
		await this.conn.execute('DELETE FROM hashes');
	}

	/** Internal — the caller MUST hold the mutex. */
	private async extractEntitiesLocked(): Promise<void> {
		for (const [path, text] of this.sources) {
			for (const name of extractNames(text)) {
				await this.conn.execute('INSERT INTO entities (path, name) VALUES (?, ?)', [path, name]);
			}
		}
	}
}
// #endregion store

export async function main(): Promise<Summary> {
	return runWorkload(Store);
}

if (import.meta.main) {
	console.log(await main());
}
