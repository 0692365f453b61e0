/**
 * node:sqlite for async code: every call resolves on a later turn of the event loop.
 *
 * DatabaseSync answers at once; an async driver (a database server, or SQLite on a worker
 * thread) answers on a later tick. This wrapper waits one turn of the event loop before each
 * call, so every `await` on the connection is a point where other callers run, as with
 * aiodb.py. Like Python's sqlite3, a write opens a transaction that lasts until commit().
 */
import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';

export type Row = Record<string, SQLOutputValue>;

/** One SQLite connection, driven from async functions. */
export class AsyncConnection {
	private readonly db: DatabaseSync;
	/** Awaited after every commit, so that a workload can look at each committed state. */
	onCommit: (() => Promise<void>) | null = null;

	private constructor(db: DatabaseSync) {
		this.db = db;
	}

	static async open(path: string): Promise<AsyncConnection> {
		await nextTurn();
		const db = new DatabaseSync(path);
		db.exec('PRAGMA journal_mode=WAL'); // readers on other connections see committed states
		db.exec('PRAGMA synchronous=NORMAL'); // an index can be rebuilt: no fsync per commit
		return new AsyncConnection(db);
	}

	async execute(sql: string, params: SQLInputValue[] = []): Promise<void> {
		await nextTurn();
		if (!this.db.isTransaction && /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) {
			this.db.exec('BEGIN'); // what Python's sqlite3 does before a write
		}
		this.db.prepare(sql).run(...params);
	}

	async fetchAll(sql: string, params: SQLInputValue[] = []): Promise<Row[]> {
		await nextTurn();
		return this.db.prepare(sql).all(...params);
	}

	async commit(): Promise<void> {
		await nextTurn();
		if (this.db.isTransaction) this.db.exec('COMMIT');
		if (this.onCommit) await this.onCommit();
	}

	async close(): Promise<void> {
		await nextTurn();
		this.db.close();
	}
}
