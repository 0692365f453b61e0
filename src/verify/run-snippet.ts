import { basename, dirname, extname } from 'node:path';
import { runProcess } from './process-runner.ts';
import type { Verdict } from './verdict.ts';

/** What one run of a snippet observed. */
export interface RunResult {
	outcome: Verdict;
	elapsedMs: number;
	exitCode: number | null;
	stdout: string;
	stderr: string;
}

const INTERPRETER: Record<string, string[]> = {
	'.py': ['python3'],
	'.ts': ['node'],
	'.mts': ['node'],
};

/**
 * Runs a snippet file as a reader would (`python3 file.py`, `node file.ts`) in its own folder and
 * process group; a run that has not exited after `timeoutMs` is killed and ends in `timeout`.
 */
export async function runSnippet(path: string, timeoutMs: number): Promise<RunResult> {
	const interpreter = INTERPRETER[extname(path)];
	if (!interpreter) throw new Error(`${path}: no runner for "${extname(path)}" files; snippets are .py or .ts.`);
	const [cmd, ...args] = interpreter;
	const out = await runProcess(cmd, [...args, basename(path)], { cwd: dirname(path), killAfterMs: timeoutMs });
	const outcome: Verdict = out.killed ? 'timeout' : out.exitCode === 0 ? 'completed' : 'raised';
	return { outcome, elapsedMs: out.elapsedMs, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr };
}
