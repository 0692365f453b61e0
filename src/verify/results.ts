import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunResult } from './run-snippet.ts';
import type { Verdict } from './vocabulary.ts';
import { keyOf, verificationInputs, type KeyInputs } from './verification-key.ts';

/** Where the suite writes one record per verified program, relative to the project root. */
export const RESULTS_DIR = '.verify/results';

/** What the last verification run observed for one program, as the site reads it. */
export interface SnippetRecord {
	/** `snippets/<trap>/<file>`. */
	snippet: string;
	trap: string;
	file: string;
	/** The verdict the page claims. */
	expect: Verdict;
	/**
	 * The verification key (`verification-key.ts`) of what the run executed: the program, the local
	 * modules it imports, its declaration, the harness and the runtime. A page shows the record as
	 * current, and `verifyTrap` reuses it, only while {@link currentSourceHash} gives the same key.
	 */
	sourceHash: string;
	/** The parts of the key, so that a re-run can say what changed. Absent in records of older engines. */
	inputs?: KeyInputs;
	/** ISO time the run finished. */
	ranAt: string;
	/** The run with the detectors on. */
	run: RunResult;
	/** For failure programs: the run with the detectors off, which must end in `timeout`. */
	contract: RunResult | null;
	/** True when the runs agree with the page's claim. */
	matches: boolean;
	/** Why they do not (empty when they do). Absent in records of older engines. */
	problems?: string[];
}

/** The record file of `snippets/<trap>/<file>` under `root`. */
export function recordPath(root: string, trap: string, file: string): string {
	return join(root, RESULTS_DIR, trap, `${file}.json`);
}

/** Writes a record atomically (readers never see half a file). */
export function writeRecord(root: string, record: SnippetRecord): void {
	const path = recordPath(root, record.trap, record.file);
	mkdirSync(dirname(path), { recursive: true });
	const tmp = `${path}.${process.pid}.tmp`;
	writeFileSync(tmp, JSON.stringify(record, null, 2));
	renameSync(tmp, path);
}

/** The record of a program, or null when it has never been verified here. */
export function readRecord(root: string, trap: string, file: string): SnippetRecord | null {
	try {
		return JSON.parse(readFileSync(recordPath(root, trap, file), 'utf8')) as SnippetRecord;
	} catch {
		return null;
	}
}

/** What a page may say about a program's last run. */
export type Freshness =
	| { state: 'missing' }
	| { state: 'stale'; record: SnippetRecord }
	| { state: 'current'; record: SnippetRecord };

/** A record is current only when it was made from exactly the files the page shows now. */
export function freshness(record: SnippetRecord | null, currentHash: string): Freshness {
	if (!record) return { state: 'missing' };
	return record.sourceHash === currentHash ? { state: 'current', record } : { state: 'stale', record };
}

/**
 * The verification key of program `file` of trap `trap` as it is on disk now (its declaration
 * among `declarations`): the one key function the cache and the page's freshness check share.
 * Throws, naming the file, when the program is missing.
 */
export function currentSourceHash(
	root: string,
	trap: string,
	declarations: ReadonlyArray<{ file: string }>,
	file: string,
): string {
	const declaration = declarations.find((d) => d.file === file) ?? { file };
	return keyOf(verificationInputs(root, trap, declaration as { file: string } & Record<string, unknown>));
}
