/**
 * The watchdog: a worker thread that reports `timeout` itself when the main thread cannot (a
 * busy loop never lets a timer run). It sleeps in Atomics.wait until the deadline, so it costs
 * nothing while the run goes well, and it is unref'd, so it never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

// Runs in the worker (CommonJS script). Claims the verdict slot only if the main thread did not.
const WORKER = `(() => {
	const { workerData } = require('node:worker_threads');
	const { writeSync } = require('node:fs');
	const { shared, fd, timeoutMs, graceMs } = workerData;
	const state = new Int32Array(shared, 0, 2);
	const startedAt = new Float64Array(shared, 8, 1);
	while (Atomics.load(state, 1) === 0) Atomics.wait(state, 1, 0);
	const now = () => performance.timeOrigin + performance.now();
	for (;;) {
		if (Atomics.load(state, 0) !== 0) return;
		const left = startedAt[0] + timeoutMs + graceMs - now();
		if (left <= 0) break;
		Atomics.wait(state, 0, 0, left);
	}
	if (Atomics.compareExchange(state, 0, 0, 1) !== 0) return;
	const elapsedMs = now() - startedAt[0];
	// Facts only: the main thread never yielded, so there is no task, stack or lock to report.
	const mainThread = { id: 'thread:main', kind: 'thread', name: 'main', state: 'running', chain: [], loopThread: true };
	writeSync(fd, JSON.stringify({ type: 'verdict', outcome: 'timeout', detectedBy: 'timeout', elapsedMs,
		witness: { reason: 'timeout', cycle: null, tasks: [mainThread], resources: [], edges: [], timeoutMs }, error: null,
		potentialDeadlocks: [] }) + '\\n');
	process.kill(process.pid, 'SIGKILL');
})();`;

/**
 * How long after the timeout the watchdog waits for the main thread's own (witnessed) verdict:
 * long enough for a main thread that a loaded machine starves (a 2-core CI runner verifying in
 * parallel, where a 400 ms grace once let the watchdog's empty witness win), short of the runner's
 * kill 1 s after the timeout.
 */
export const WATCHDOG_GRACE_MS = 700;

export interface Watchdog {
	/** main() starts now (`performance.now()` of this thread): the deadline runs from here. */
	arm(startedAt: number): void;
}

/** Starts the watchdog thread; `shared` is the report channel's shared memory. */
export function startWatchdog(shared: SharedArrayBuffer, fd: number, timeoutMs: number): Watchdog {
	const worker = new Worker(WORKER, { eval: true, workerData: { shared, fd, timeoutMs, graceMs: WATCHDOG_GRACE_MS }, stdout: false, stderr: false });
	worker.unref();
	worker.on('error', () => {}); // A watchdog that fails leaves the runner's kill deadline as the backstop.
	return {
		arm(startedAt) {
			const state = new Int32Array(shared, 0, 2);
			new Float64Array(shared, 8, 1)[0] = performance.timeOrigin + startedAt;
			Atomics.store(state, 1, 1);
			Atomics.notify(state, 1);
		},
	};
}
