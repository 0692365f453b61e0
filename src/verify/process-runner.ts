import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { BoundedOutput } from './bounded-output.ts';

/** What happened to a child process run by {@link runProcess}. */
export interface ProcessOutcome {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	/** True when the run was stopped by the caller (timeout or an early verdict), not by the program. */
	killed: boolean;
	/** Milliseconds from spawn to exit. */
	elapsedMs: number;
	stdout: string;
	stderr: string;
	truncated: { stdout: boolean; stderr: boolean };
	/** Descendants that were still alive when the run ended and had to be killed. */
	strays: number;
}

export interface RunProcessOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Hard limit: the whole process group is killed after this many ms from spawn (see {@link RunControl.killAfter}). */
	killAfterMs: number;
	/** Each line the child writes to its fd 3 (a pipe) reaches `onMessage`. */
	onMessage?: (line: string, control: RunControl) => void;
}

/** What a message handler may do to the running process. */
export interface RunControl {
	/** Kills the whole process group now. */
	stop(): void;
	/** Replaces the hard limit: the group is killed `ms` from now. */
	killAfter(ms: number): void;
}

const MARKER = 'TRAP_CATALOG_RUN';
let runCounter = 0;

/**
 * Runs `command` in its own process group and session with bounded stdout/stderr. When it
 * exits, is stopped through `onMessage`, or passes `killAfterMs`, the whole group, and any
 * descendant that left it, is killed with SIGKILL, so that no snippet process outlives its run.
 */
export function runProcess(command: string, args: string[], options: RunProcessOptions): Promise<ProcessOutcome> {
	const runId = `${process.pid}-${++runCounter}-${Date.now()}`;
	const started = performance.now();
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: { ...(options.env ?? process.env), [MARKER]: runId },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
	});
	const stdout = new BoundedOutput();
	const stderr = new BoundedOutput();
	child.stdout!.on('data', (c: Buffer) => stdout.push(c));
	child.stderr!.on('data', (c: Buffer) => stderr.push(c));

	let killed = false;
	let strays = 0;
	const stop = () => {
		if (killed) return;
		killed = true;
		killGroup(child.pid);
		strays += killMarked(runId, child.pid);
	};
	let timer = setTimeout(stop, options.killAfterMs);
	const control: RunControl = {
		stop,
		killAfter(ms) {
			clearTimeout(timer);
			timer = setTimeout(stop, ms);
		},
	};

	const messages = child.stdio[3] as NodeJS.ReadableStream | null;
	if (messages && options.onMessage) {
		let pending = '';
		messages.on('data', (c: Buffer) => {
			pending += c.toString('utf8');
			let nl: number;
			while ((nl = pending.indexOf('\n')) !== -1) {
				const line = pending.slice(0, nl);
				pending = pending.slice(nl + 1);
				if (line.trim()) options.onMessage!(line, control);
			}
		});
	}
	return new Promise((resolve, reject) => {
		let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;
		const finish = () => {
			clearTimeout(timer);
			resolve({
				exitCode: exit!.code,
				signal: exit!.signal,
				killed,
				elapsedMs: exit!.at - started,
				stdout: stdout.text(),
				stderr: stderr.text(),
				truncated: { stdout: stdout.truncated, stderr: stderr.truncated },
				strays,
			});
		};
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(new Error(`cannot start ${command}: ${err.message}`));
		});
		child.on('exit', (code, signal) => {
			exit = { code, signal, at: performance.now() };
			// The leader is gone; take down whatever it left behind, in its group or outside it.
			killGroup(child.pid);
			strays += killMarked(runId, child.pid);
			// Output still in the pipes arrives before 'close'; a stray that kept a pipe open cannot hold us.
			const grace = setTimeout(() => {
				for (const stream of child.stdio) stream?.destroy();
				finish();
			}, 1000);
			child.once('close', () => {
				clearTimeout(grace);
				finish();
			});
		});
	});
}

function killGroup(pid: number | undefined): void {
	if (!pid) return;
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// Already gone.
	}
}

/**
 * Pids of live processes started by {@link runProcess} in this Node process (found by the marker
 * in their environment). Empty when every run cleaned up after itself.
 */
export function liveRunProcesses(): number[] {
	const needle = `${MARKER}=${process.pid}-`;
	const found: number[] = [];
	for (const pid of listPids()) {
		try {
			const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
			const status = readFileSync(`/proc/${pid}/status`, 'latin1');
			if (env.includes(needle) && !/^State:\s+Z/m.test(status)) found.push(Number(pid));
		} catch {
			// Gone, or not ours to read.
		}
	}
	return found;
}

function listPids(): string[] {
	try {
		return readdirSync('/proc').filter((d) => /^\d+$/.test(d));
	} catch {
		return [];
	}
}

/** Kills every process other than `leader` whose environment carries this run's marker (descendants, even those that left the group). */
function killMarked(runId: string, leader: number | undefined): number {
	let count = 0;
	const pids = listPids(); // Empty where there is no /proc: the process-group kill is all we can do.
	const needle = `${MARKER}=${runId}\0`;
	for (const pid of pids) {
		if (Number(pid) === leader) continue;
		try {
			if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) {
				process.kill(Number(pid), 'SIGKILL');
				count++;
			}
		} catch {
			// Gone, or not ours to read.
		}
	}
	return count;
}
