import type { RunResult } from '../../src/verify/run-snippet.ts';

/**
 * A RunResult as the engine returns it for `snippets/t/failure.py`: a cycle-proven deadlock on
 * CPython 3.11.7, 6.4 ms after main() started, with nothing printed; `over` replaces any field.
 */
export function runResult(over: Partial<RunResult> = {}): RunResult {
	return {
		file: 'snippets/t/failure.py',
		language: 'python',
		outcome: 'deadlock',
		detectedBy: 'cycle',
		elapsedMs: 6.4,
		cpuMs: null,
		timeoutMs: 5000,
		detect: true,
		runtime: { name: 'CPython', version: '3.11.7' },
		witness: null,
		error: null,
		returned: null,
		potentialDeadlocks: [],
		stdout: '',
		stderr: '',
		truncated: { stdout: false, stderr: false },
		killedByRunner: false,
		strays: 0,
		...over,
	};
}
