/**
 * Verifies a trap's programs against their declarations and writes their records: the one
 * function `npm run verify` and the snippet suite call (records come from the engine, the way
 * rustc's lint docs come from a tool the build runs). A record whose verification key is
 * unchanged and which agreed with its claim is reused instead of re-running the program.
 */
import { rmSync } from 'node:fs';
import { resolveSnippetPath, snippetId } from '../catalog/snippet-path.ts';
import type { SnippetDeclaration } from '../catalog/schema.ts';
import { checkClaim } from './claim.ts';
import { readRecord, recordPath, writeRecord, type SnippetRecord } from './results.ts';
import { UnrunnableError, type RunResult } from './run-snippet.ts';
import { RunScheduler } from './run-scheduler.ts';
import { isFailureVerdict, type Verdict } from './vocabulary.ts';
import { changedInputs, keyOf, verificationInputs } from './verification-key.ts';

/** A trap as far as verifying it needs: its name and its snippet declarations. */
export interface TrapToVerify {
	name: string;
	snippets: ReadonlyArray<SnippetDeclaration>;
}

export interface VerifyOptions {
	/** Re-run every program even when its record is current (`--force`, CI). */
	force?: boolean;
	/** Pools shared by every trap verified at once; default: a scheduler of this call's own. */
	scheduler?: RunScheduler;
	/** Write records (default true). */
	write?: boolean;
	/** Called as each program is done, in the order they finish. */
	onResult?: (v: ProgramVerification) => void;
}

/** What verifying one program found. */
export interface ProgramVerification {
	trap: string;
	file: string;
	/** `snippets/<trap>/<file>`. */
	snippet: string;
	expect: Verdict;
	timeoutMs: number;
	/** `ok`: agrees with the claim; `failed`: ran and disagrees; `unrunnable`: could not be run at all. */
	status: 'ok' | 'failed' | 'unrunnable';
	/** True when the record was reused and nothing ran. */
	cached: boolean;
	/** Why it ran: `not verified yet`, `workload.py changed`, `forced`, … (empty when cached). */
	ranBecause: string[];
	/** True when the detection-on run timed out under load and was run again alone. */
	rerunAlone: boolean;
	/** Every disagreement with the claim, or why it could not run; empty when ok. */
	problems: string[];
	/** The record written (or reused); null when the program could not be run. */
	record: SnippetRecord | null;
	/** Wall time spent on this program here, queueing included (0 when cached). */
	wallMs: number;
}

/**
 * Verifies every program of `trap` under `root` and writes each record to
 * `.verify/results/<trap>/<file>.json`, reusing current records unless `force`. Never throws for
 * a program that misbehaves or cannot be run: that is a result with status `failed` or
 * `unrunnable` saying why.
 */
export async function verifyTrap(root: string, trap: TrapToVerify, options: VerifyOptions = {}): Promise<ProgramVerification[]> {
	const scheduler = options.scheduler ?? new RunScheduler();
	const programs = trap.snippets.filter((s) => s.role === 'program' && s.expect);
	return Promise.all(
		programs.map(async (declaration) => {
			const v = await verifyProgram(root, trap.name, declaration, scheduler, options);
			options.onResult?.(v);
			return v;
		}),
	);
}

async function verifyProgram(
	root: string,
	trap: string,
	declaration: SnippetDeclaration,
	scheduler: RunScheduler,
	options: VerifyOptions,
): Promise<ProgramVerification> {
	const claim = { expect: declaration.expect!, timeoutMs: declaration.timeoutMs, potentialDeadlock: declaration.potentialDeadlock };
	const base = { trap, file: declaration.file, snippet: snippetId(trap, declaration.file), expect: claim.expect, timeoutMs: claim.timeoutMs };
	const t0 = performance.now();
	const unrunnable = (message: string): ProgramVerification => {
		// A verdict the engine cannot reproduce now is not shown any more.
		if (options.write !== false) rmSync(recordPath(root, trap, declaration.file), { force: true });
		return { ...base, status: 'unrunnable', cached: false, ranBecause: [], rerunAlone: false, problems: [message], record: null, wallMs: performance.now() - t0 };
	};

	let inputs;
	try {
		inputs = verificationInputs(root, trap, declaration as SnippetDeclaration & Record<string, unknown>);
	} catch (e) {
		return unrunnable((e as Error).message);
	}
	const key = keyOf(inputs);
	const previous = readRecord(root, trap, declaration.file);
	if (!options.force && previous?.sourceHash === key && previous.matches) {
		return { ...base, status: 'ok', cached: true, ranBecause: [], rerunAlone: false, problems: [], record: previous, wallMs: 0 };
	}
	const ranBecause = options.force
		? ['forced']
		: !previous
			? ['not verified yet']
			: previous.sourceHash !== key
				? changedInputs(previous.inputs, inputs, declaration.file)
				: ['the last run disagreed with the page'];

	const path = resolveSnippetPath(root, trap, declaration.file);
	const fails = isFailureVerdict(claim.expect);
	let run: RunResult;
	let contract: RunResult | null;
	let rerunAlone = false;
	try {
		[run, contract] = await Promise.all([
			// A program claimed to time out sleeps into its timeout with the detectors on too.
			scheduler.run(path, { timeoutMs: claim.timeoutMs, detect: true, projectRoot: root }, claim.expect === 'timeout' ? 'sleep' : 'cpu'),
			// The contract a reader sees: with the detectors off it does not finish within the timeout.
			fails ? scheduler.run(path, { timeoutMs: claim.timeoutMs, detect: false, projectRoot: root }, 'sleep') : Promise.resolve(null),
		]);
		// A run that should finish (or be proven stuck) but ran out of time may have been starved
		// by its neighbours: run it once more with the machine to itself before calling it a failure.
		if (run.outcome === 'timeout' && claim.expect !== 'timeout') {
			run = await scheduler.run(path, { timeoutMs: claim.timeoutMs, detect: true, projectRoot: root }, 'exclusive');
			rerunAlone = true;
		}
	} catch (e) {
		if (e instanceof UnrunnableError) return unrunnable(e.message);
		throw e;
	}

	const problems = checkClaim(claim, run, contract);
	const record: SnippetRecord = {
		snippet: base.snippet,
		trap,
		file: declaration.file,
		expect: claim.expect,
		sourceHash: key,
		inputs,
		ranAt: new Date().toISOString(),
		run,
		contract,
		matches: problems.length === 0,
		problems,
	};
	if (options.write !== false) writeRecord(root, record);
	return {
		...base,
		status: problems.length ? 'failed' : 'ok',
		cached: false,
		ranBecause,
		rerunAlone,
		problems,
		record,
		wallMs: performance.now() - t0,
	};
}

/** Verifies several traps at once, sharing one scheduler; results in trap order. */
export async function verifyTraps(root: string, traps: readonly TrapToVerify[], options: VerifyOptions = {}): Promise<ProgramVerification[]> {
	const scheduler = options.scheduler ?? new RunScheduler();
	const all = await Promise.all(traps.map((t) => verifyTrap(root, t, { ...options, scheduler })));
	return all.flat();
}

/** Traps `index` (1-based) of `count` takes: every count-th trap by name, so shards stay balanced as traps are added. */
export function shardOf<T extends { name: string }>(traps: readonly T[], shard: string | undefined): T[] {
	if (!shard) return [...traps];
	const m = /^(\d+)\/(\d+)$/.exec(shard);
	const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
	if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard must be <index>/<count> with 1 ≤ index ≤ count, not "${shard}"`);
	return [...traps].sort((a, b) => a.name.localeCompare(b.name)).filter((_, i) => i % count === index - 1);
}
