/**
 * async-mutex's Mutex is not reentrant: rebuild() holds it and calls setHash(), which waits for it again.
 *
 * Run it with `node failure.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * aiodb.ts and workload.ts, with async-mutex installed. It never finishes its work: the first
 * rebuild() waits for a mutex it holds itself, and every other caller queues behind it. A
 * promise that can never settle does not keep Node running: with nothing left to do, Node exits
 * with code 13 and "Warning: Detected unsettled top-level await". main() never returned.
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

	async setHash(path: string, hash: string): Promise<void> {
		await this.mutex.runExclusive(async () => { // Acquires the mutex
			await this.conn.execute(
				'INSERT INTO hashes (path, hash) VALUES (?, ?) ' +
					'ON CONFLICT (path) DO UPDATE SET hash = excluded.hash',
				[path, hash],
			);
			await this.conn.commit();
		});
	}

	async rebuild(): Promise<void> {
		await this.mutex.runExclusive(async () => { // Acquires the mutex
			await this.deleteAll();
			await this.extractEntities();
			for (const [path, text] of this.sources) {
				await this.setHash(path, digest(text)); // ❌ DEADLOCK — mutex already held
			}
			await this.conn.commit();
		});
	}

	private async deleteAll(): Promise<void> {
		await this.conn.execute('DELETE FROM entities');
		await this.conn.execute('DELETE FROM hashes');
	}

	private async extractEntities(): Promise<void> {
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
