/**
 * The workload every TypeScript Store variant of this trap is run under: workload.py in TypeScript.
 *
 * 100 concurrent callers mix rebuild() and setHash() in a seeded random order and at seeded
 * random yield points, four times with different seeds. It checks what the mutex exists to
 * protect:
 *
 * 1. atomic rebuild: right after every commit, a second connection sees a complete index,
 *    every file with its hash and exactly its entities, never a half-done rebuild;
 * 2. no lost writes: the final hashes are exactly those of replaying the completed calls one
 *    at a time, in the order they completed;
 * 3. every caller returns.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AsyncConnection } from './aiodb.ts';

const SCHEMA = [
	'CREATE TABLE hashes (path TEXT PRIMARY KEY, hash TEXT NOT NULL)',
	'CREATE TABLE entities (path TEXT NOT NULL, name TEXT NOT NULL)',
];

export const SOURCES: ReadonlyMap<string, string> = new Map(
	Array.from({ length: 4 }, (_, i) => [
		`src/mod${i}.ts`,
		Array.from({ length: 2 }, (_, j) => `export function fn${i}_${j}() {\n\treturn ${j};\n}\n\n`).join(''),
	]),
);

/** The content hash of a source file. */
export function digest(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The entities of a source file: the functions it defines. */
export function extractNames(text: string): string[] {
	return [...text.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
}

/** The store let callers see or keep a state that no serial order of calls produces. */
export class InvariantBroken extends Error {
	override name = 'InvariantBroken';
}

/** What the workload needs from a Store variant. */
export interface Store {
	setHash(path: string, hash: string): Promise<void>;
	rebuild(): Promise<void>;
}

export type StoreClass = new (conn: AsyncConnection, sources: ReadonlyMap<string, string>) => Store;

/** What a run of the workload ran and checked. */
export interface Summary {
	callers: number;
	concurrent: number;
	seeds: number[];
	rebuild: number;
	setHash: number;
	invariants: string[];
}

type Step = { op: 'rebuild' } | { op: 'setHash'; path: string; value: string };

const PATHS = [...SOURCES.keys()].sort();
const ENTITIES = [...SOURCES].flatMap(([path, text]) => extractNames(text).map((name) => `${path} ${name}`)).sort();

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

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

/** A second connection must always see a complete index: every file, its hash, exactly its entities. */
async function checkSnapshot(reader: AsyncConnection, committer: string): Promise<void> {
	// One statement: one consistent snapshot.
	const rows = await reader.fetchAll('SELECT path, NULL AS name FROM hashes UNION ALL SELECT path, name FROM entities');
	const paths = rows.filter((r) => r.name === null).map((r) => String(r.path)).sort();
	const entities = rows.filter((r) => r.name !== null).map((r) => `${r.path} ${r.name}`).sort();
	if (!sameList(paths, PATHS) || !sameList(entities, ENTITIES)) {
		throw new InvariantBroken(
			`right after a commit by ${committer}, a second connection saw a half-done rebuild: ` +
				`${paths.length} of ${PATHS.length} hashes, ${entities.length} entities where ${ENTITIES.length} belong`,
		);
	}
}

async function runRound(Store: StoreClass, seed: number, callers: number): Promise<{ rebuild: number; setHash: number }> {
	const random = seededRandom(seed);
	const dir = mkdtempSync(join(tmpdir(), 'trap-index-'));
	const removeDir = () => rmSync(dir, { recursive: true, force: true });
	process.once('exit', removeDir); // also when the callers never return and Node exits with main() pending
	try {
		const db = join(dir, 'index.db');
		const writer = await AsyncConnection.open(db);
		for (const statement of SCHEMA) await writer.execute(statement);
		await writer.commit();
		for (const [path, text] of SOURCES) {
			// a consistent index to start from
			await writer.execute('INSERT INTO hashes VALUES (?, ?)', [path, digest(text)]);
			for (const name of extractNames(text)) await writer.execute('INSERT INTO entities VALUES (?, ?)', [path, name]);
		}
		await writer.commit();
		const reader = await AsyncConnection.open(db);
		const store = new Store(writer, SOURCES);
		const committer = new AsyncLocalStorage<string>();
		writer.onCommit = () => checkSnapshot(reader, committer.getStore() ?? 'setup'); // every committed state is checked

		let start = () => {};
		const started = new Promise<void>((resolve) => (start = resolve));
		const completed: Step[] = [];
		const plan: Step[] = Array.from({ length: callers }, (_, n) =>
			random() < 0.3 ? { op: 'rebuild' } : { op: 'setHash', path: PATHS[Math.floor(random() * PATHS.length)], value: `h${seed}-${n}` },
		);

		async function caller(step: Step): Promise<void> {
			await started;
			for (let k = Math.floor(random() * 4); k > 0; k--) {
				await nextTurn(); // a seeded yield point: varies the interleaving
			}
			if (step.op === 'rebuild') await store.rebuild();
			else await store.setHash(step.path, step.value);
			completed.push(step); // no await since the call returned: completion order
		}

		const calls = plan.map((step, n) => committer.run(`caller-${n}`, () => caller(step)));
		start();
		await Promise.all(calls);

		let expected = new Map([...SOURCES].map(([path, text]) => [path, digest(text)]));
		for (const step of completed) {
			if (step.op === 'rebuild') expected = new Map([...SOURCES].map(([path, text]) => [path, digest(text)]));
			else expected.set(step.path, step.value);
		}
		writer.onCommit = null;
		const actual = new Map((await reader.fetchAll('SELECT path, hash FROM hashes')).map((r) => [String(r.path), String(r.hash)]));
		const lost = PATHS.filter((path) => actual.get(path) !== expected.get(path));
		if (lost.length > 0 || actual.size !== expected.size) {
			throw new InvariantBroken(`seed ${seed}: final hashes differ from a serial replay for ${JSON.stringify(lost)}`);
		}
		if (completed.length !== callers) {
			throw new InvariantBroken(`seed ${seed}: ${callers - completed.length} caller(s) never returned`);
		}
		await reader.close();
		await writer.close();
		const rebuilds = plan.filter((s) => s.op === 'rebuild').length;
		return { rebuild: rebuilds, setHash: callers - rebuilds };
	} finally {
		process.off('exit', removeDir);
		removeDir();
	}
}

/** Runs `callers` concurrent callers against a fresh Store per seed; returns what ran and was checked. */
export async function runWorkload(Store: StoreClass, callers = 100, seeds = [1, 2, 3, 4]): Promise<Summary> {
	const rounds = [];
	for (const seed of seeds) rounds.push(await runRound(Store, seed, callers));
	return {
		callers: callers * seeds.length,
		concurrent: callers,
		seeds,
		rebuild: rounds.reduce((n, r) => n + r.rebuild, 0),
		setHash: rounds.reduce((n, r) => n + r.setHash, 0),
		invariants: ['a complete index after every commit, seen from a second connection', 'final hashes equal a serial replay', 'every caller returned'],
	};
}
