import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descriptorOf, LANGUAGE_BY_EXTENSION, languageOf, type LanguageDescriptor, type SnippetLanguage } from './languages.ts';
import { runProcess } from './process-runner.ts';
import type { PotentialDeadlock, Witness } from './facts.ts';
import { projectRootOf, publishable } from './paths.ts';
import { parseHarnessMessage, type RunError, type Runtime, type VerdictMessage } from './protocol.ts';
import type { DetectedBy, Verdict } from './vocabulary.ts';

export type { SnippetLanguage };

export interface RunOptions {
	/** main() must return within this many ms; the contract a page shows. */
	timeoutMs: number;
	/** Switch the deadlock detectors on (cycle, quiescence, watchdog) or off (timeout only). */
	detect: boolean;
	/** How long loading the file (imports, before main()) may take. Default 15 s. */
	loadTimeoutMs?: number;
	/** Called once when main() starts (the harness is loaded): a scheduler frees the CPU the start needed. */
	onStarted?: () => void;
	/** The project whose paths the result shows relative to itself; default: the folder above the file's `snippets/`. */
	projectRoot?: string;
}

/** Everything one run of a snippet observed. Printed by `npm run check -- --json`. */
export interface RunResult {
	file: string;
	language: SnippetLanguage;
	outcome: Verdict;
	detectedBy: DetectedBy | null;
	/** From the moment main() started to the verdict. */
	elapsedMs: number;
	/** CPU time the process used from main()'s start to the verdict, all threads (what detection costs is read from it, bench/overhead.ts); null when the harness could not say (a timeout). */
	cpuMs: number | null;
	timeoutMs: number;
	detect: boolean;
	runtime: Runtime;
	witness: Witness | null;
	error: RunError | null;
	/** What main() returned (for solutions: the workload summary). */
	returned: unknown;
	/** Lock-order inversions the run showed, whatever its verdict (`[]` when none). */
	potentialDeadlocks: PotentialDeadlock[];
	stdout: string;
	stderr: string;
	truncated: { stdout: boolean; stderr: boolean };
	/** The process group was killed by the runner because the harness did not report in time. */
	killedByRunner: boolean;
	/** Descendant processes that outlived the snippet and were killed. */
	strays: number;
}

/** The file cannot be run at all: unknown language, missing, does not load, or has no main(). */
export class UnrunnableError extends Error {
	override name = 'UnrunnableError';
}

const executables = new Map<string, string>();

/**
 * The executable that starts a language's harness, found once per process: `node` is this very
 * Node.js; another command is looked up on PATH and, where the descriptor says how, asked for
 * its real path (version managers such as pyenv put a shell shim first on PATH that costs ~0.3 s
 * on every start).
 */
export function executableFor(d: LanguageDescriptor): string {
	if (d.command === 'node') return process.execPath;
	let found = executables.get(d.command);
	if (found === undefined) {
		found = d.command;
		if (d.realExecutable) {
			try {
				found = execFileSync(d.command, [...d.realExecutable], { encoding: 'utf8' }).trim() || d.command;
			} catch {
				// Reported as unrunnable when the run itself cannot start it.
			}
		}
		executables.set(d.command, found);
	}
	return found;
}

/** The Python interpreter `python3` on PATH stands for (see {@link executableFor}). */
export function pythonExecutable(): string {
	return executableFor(descriptorOf('python'));
}

/** Compiled code kept between runs, outside the source tree and the per-run TMPDIR. */
const CODE_CACHE = join(tmpdir(), 'trap-catalog-code-cache');

/**
 * The environment of one run: its own TMPDIR, and shared caches of compiled code (Python
 * bytecode under PYTHONPYCACHEPREFIX, Node's compile cache), which halve the harnesses' start
 * without writing `__pycache__` folders next to the snippets.
 */
function runEnv(tmp: string, language: LanguageDescriptor): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, ...language.env(CODE_CACHE) };
	delete env.PYTHONDONTWRITEBYTECODE;
	return env;
}

/** The grace after `timeoutMs` before the runner kills a harness that did not report. */
export const KILL_GRACE_MS = 1000;

/**
 * Runs `file`'s main() in its own process group under the language's harness and returns exactly
 * one verdict with elapsed time, runtime, bounded output and a witness. Throws UnrunnableError,
 * saying what to do, when the file cannot be run.
 */
export async function runSnippet(file: string, options: RunOptions): Promise<RunResult> {
	const path = resolve(file);
	const roots = [options.projectRoot ?? projectRootOf(path), ENGINE_ROOT].filter((r): r is string => !!r);
	// Nothing a run publishes names the machine: project files relative, libraries by module.
	return publishable(await runResolved(file, path, options), { roots });
}

/** The project the engine itself belongs to (its harness and node_modules). */
const ENGINE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function runResolved(file: string, path: string, options: RunOptions): Promise<RunResult> {
	const language = languageOf(path);
	if (!language) {
		throw new UnrunnableError(`${file}: cannot run "${extname(path) || 'extensionless'}" files; give a ${Object.keys(LANGUAGE_BY_EXTENSION).join(', ')} file that defines main().`);
	}
	const descriptor = descriptorOf(language);
	if (!existsSync(path)) throw new UnrunnableError(`${file}: no such file.`);

	const harnessArgs = ['--report-fd', '3', '--timeout-ms', String(options.timeoutMs), ...(options.detect ? [] : ['--no-detect']), path];
	const command = executableFor(descriptor);
	const args = [...descriptor.args, fileURLToPath(new URL(descriptor.harness, import.meta.url)), ...harnessArgs];

	const loadTimeoutMs = options.loadTimeoutMs ?? 15_000;
	let runtime: Runtime = { name: descriptor.runtime, version: 'unknown' };
	let startedAt: number | null = null;
	let verdict: VerdictMessage | null = null;
	let unrunnable: string | null = null;
	let protocolError: string | null = null;

	// A temporary folder per run, removed afterwards: a killed snippet cannot clean up after itself.
	const tmp = mkdtempSync(join(tmpdir(), 'trap-run-'));
	const spawnedAt = performance.now();
	const out = await runProcess(command, args, {
		cwd: dirname(path),
		env: runEnv(tmp, descriptor),
		killAfterMs: loadTimeoutMs,
		onMessage(line, control) {
			let msg;
			try {
				msg = parseHarnessMessage(line);
			} catch (e) {
				protocolError = (e as Error).message;
				return;
			}
			if (msg.type === 'hello') runtime = msg.runtime;
			else if (msg.type === 'unrunnable') unrunnable = msg.message;
			else if (msg.type === 'started') {
				startedAt = performance.now();
				control.killAfter(options.timeoutMs + KILL_GRACE_MS);
				options.onStarted?.();
			} else if (!verdict) {
				verdict = msg;
				control.stop();
			}
		},
	}).finally(() => rmSync(tmp, { recursive: true, force: true }));

	const base = {
		file,
		language,
		timeoutMs: options.timeoutMs,
		detect: options.detect,
		runtime,
		stdout: out.stdout,
		stderr: out.stderr,
		truncated: out.truncated,
		strays: out.strays,
		potentialDeadlocks: [] as PotentialDeadlock[],
		cpuMs: null,
	};
	const v = verdict as VerdictMessage | null;
	if (v) {
		return { ...base, outcome: v.outcome, detectedBy: v.detectedBy, elapsedMs: v.elapsedMs, cpuMs: v.cpuMs ?? null, witness: v.witness, error: v.error, returned: v.returned ?? null, killedByRunner: false, potentialDeadlocks: v.potentialDeadlocks ?? [] };
	}
	if (unrunnable) throw new UnrunnableError(`${file}: ${unrunnable}`);
	if (startedAt === null) {
		const why = out.killed ? `did not start main() within ${loadTimeoutMs} ms` : `exited with status ${out.exitCode} before main() started`;
		throw new UnrunnableError(`${file}: ${why}.${protocolError ? ` (${protocolError})` : ''}\n${out.stderr.trim()}`.trimEnd());
	}
	const elapsedMs = spawnedAt + out.elapsedMs - startedAt;
	if (out.killed) {
		// The harness could not report: the process is stuck where no Python or JS code runs.
		return { ...base, outcome: 'timeout', detectedBy: 'timeout', elapsedMs: options.timeoutMs + KILL_GRACE_MS, witness: null, error: null, returned: null, killedByRunner: true };
	}
	const message = out.signal ? `killed by ${out.signal}` : `exited with status ${out.exitCode} before main() returned`;
	return {
		...base,
		outcome: 'raised',
		detectedBy: null,
		elapsedMs,
		witness: null,
		error: { type: 'ProcessExit', message, text: out.stderr },
		returned: null,
		killedByRunner: false,
	};
}
