import { DETECTORS, VERDICTS, type DetectedBy, type Verdict } from './vocabulary.ts';
import type { PotentialDeadlock, Witness } from './facts.ts';

/**
 * What a harness (src/verify/python/harness.py, src/verify/node/harness.ts) writes to file
 * descriptor 3, one JSON object per line:
 *
 * 1. `hello` as soon as it runs;
 * 2. `unrunnable` instead of anything else when the file cannot be run (syntax error, no main()),
 *    or `started` right before it calls main();
 * 3. `verdict` once, after which it exits. A harness reports `timeout` itself when main() has not
 *    returned `timeoutMs` after it started; the runner kills the process group 1 s later anyway.
 */
export type HarnessMessage =
	| { type: 'hello'; runtime: Runtime }
	| { type: 'unrunnable'; message: string }
	| { type: 'started' }
	| VerdictMessage;

export interface VerdictMessage {
	type: 'verdict';
	outcome: Verdict;
	detectedBy: DetectedBy | null;
	/** Milliseconds from the moment main() started, by the harness's monotonic clock. */
	elapsedMs: number;
	/** CPU time the process used (all its threads) from the moment main() started, in milliseconds; absent from a watchdog's verdict. */
	cpuMs?: number;
	witness: Witness | null;
	/** For `raised`: the error; null otherwise. */
	error: RunError | null;
	/** For `completed`: what main() returned, as JSON (a workload summary), or its repr when not JSON-able. */
	returned?: unknown;
	/** Lock-order inversions seen during the run, whatever the verdict (`[]` when none; a missing field means `[]`). */
	potentialDeadlocks: PotentialDeadlock[];
}

/** The language runtime a snippet ran on. */
export interface Runtime {
	/** `CPython` or `Node.js`. */
	name: string;
	version: string;
}

/** An uncaught error or failed assertion. */
export interface RunError {
	/** Exception class or error name, e.g. `InvariantBroken`. */
	type: string;
	message: string;
	/** The traceback or stack as the runtime prints it. */
	text: string;
}

/** Parses one line of harness output; throws when it is not a message of the protocol. */
export function parseHarnessMessage(line: string): HarnessMessage {
	const msg = JSON.parse(line) as HarnessMessage;
	switch (msg?.type) {
		case 'hello':
		case 'unrunnable':
		case 'started':
			return msg;
		case 'verdict':
			if (!VERDICTS.includes(msg.outcome)) throw new Error(`unknown verdict "${msg.outcome}"`);
			if (msg.detectedBy !== null && !DETECTORS.includes(msg.detectedBy)) throw new Error(`unknown detector "${msg.detectedBy}"`);
			return msg;
		default:
			throw new Error(`not a harness message: ${line.slice(0, 200)}`);
	}
}
