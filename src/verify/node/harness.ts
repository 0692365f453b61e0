/**
 * The Node.js harness: runs one snippet's main() and reports exactly one verdict on the report
 * file descriptor (see src/verify/protocol.ts).
 *
 *     node --disable-warning=ExperimentalWarning src/verify/node/harness.ts \
 *          --report-fd 3 --timeout-ms <N> [--no-detect] [--exit-before-main] <absolute path of snippet.ts>
 *
 * With detection on, a deadlock is proven by a wait-for cycle (a knot) between runExclusive sections
 * (detector.ts) or by quiescence (quiescence.ts); otherwise the run ends in `timeout`. With
 * detection off nothing is patched, and a drained loop is kept turning until the timeout.
 */
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import type { VerdictMessage } from '../protocol.ts';
import type { PotentialDeadlock } from '../facts.ts';
import type { Frame, Witness } from '../facts.ts';
import { parseHarnessArgs } from './args.ts';
import { openChannel } from './channel.ts';
import { MAIN_CONTEXT, runInContext } from './contexts.ts';
import { installDetection, type Detection } from './detection.ts';
import type { CycleProof } from './detector.ts';
import { describeThrown } from './errors.ts';
import { loadSnippet } from './load-snippet.ts';
import { keepDrainedLoopTurning, watchQuiescence } from './quiescence.ts';
import { REASON } from './witness-builder.ts';
import { sourceLines } from './source-files.ts';
import { pendingUnrefs, unrefOwn } from './unref-tracker.ts';
import { startWatchdog } from './watchdog.ts';

let args;
try {
	args = parseHarnessArgs(process.argv.slice(2));
} catch (e) {
	process.stderr.write(`${(e as Error).message}\n`);
	process.exit(2);
}
const { reportFd, timeoutMs, detect, exitBeforeMain, file } = args;
const snippetDir = dirname(file);
const channel = openChannel(reportFd);
channel.send({ type: 'hello', runtime: { name: 'Node.js', version: process.versions.node } });
const watchdog = startWatchdog(channel.shared, reportFd, timeoutMs);

let detection: Detection | null = null;
let startedAt: number | null = null;
let mainSettled = false;
const elapsed = () => (startedAt === null ? 0 : performance.now() - startedAt);
let cpuAtStart: NodeJS.CpuUsage | null = null;
/** CPU milliseconds the process used since main() started (all threads: V8's helpers too). */
const cpuMs = () => {
	if (!cpuAtStart) return 0;
	const { user, system } = process.cpuUsage(cpuAtStart);
	return (user + system) / 1000;
};

/**
 * Writes the verdict (unless the watchdog already did) and ends the process. `elapsedMs` is when
 * the outcome was known (a proof is timed when found, not after its witness was put together).
 */
function finish(msg: Omit<VerdictMessage, 'type' | 'elapsedMs' | 'potentialDeadlocks'>, exitCode = 0, elapsedMs = elapsed()): void {
	if (channel.decided()) return;
	channel.verdict({ ...msg, elapsedMs, cpuMs: cpuMs(), potentialDeadlocks: potentialDeadlocks() } as Omit<VerdictMessage, 'type'>);
	process.exit(exitCode);
}

function raised(error: unknown): void {
	if (startedAt === null) {
		channel.send({ type: 'unrunnable', message: `failed while loading: ${describeThrown(error).text}` });
		channel.close();
		process.exit(2);
	}
	finish({ outcome: 'raised', detectedBy: null, witness: null, error: describeThrown(error) }, 1);
}

function deadlock(reason: 'cycle' | 'quiescence', proof: CycleProof | null): void {
	if (!detection || channel.decided()) return;
	const provenAt = elapsed();
	finish({ outcome: 'deadlock', detectedBy: reason, witness: witnessNow(detection, reason, proof), error: null }, 0, provenAt);
}

/** Lock-order inversions seen so far; never lost to a bug in the log (reported on stderr). */
function potentialDeadlocks(): PotentialDeadlock[] {
	try {
		return detection?.potentialDeadlocks() ?? [];
	} catch (error) {
		process.stderr.write(`trap-catalog harness: the lock-order log failed: ${describeThrown(error).text}\n`);
		return [];
	}
}

/** The witness, or an empty one when it could not be built (a verdict is never lost to a witness bug; the bug goes to stderr). */
function witnessNow(d: Detection, reason: 'cycle' | 'quiescence' | 'timeout', proof: CycleProof | null): Witness {
	try {
		return d.witness(reason, proof, timeoutMs, mainLocation()) as unknown as Witness;
	} catch (error) {
		process.stderr.write(`trap-catalog harness: the witness could not be built: ${describeThrown(error).text}\n`);
		return { reason: REASON[reason], cycle: null, tasks: [], resources: [], edges: [], ...(reason === 'timeout' ? { timeoutMs } : {}) };
	}
}

/** Where main() is defined in the snippet, for a witness whose only task is main() itself. */
function mainLocation(): Frame | null {
	const lines = sourceLines(file) ?? [];
	const i = lines.findIndex((l) => /\bexport\s+(?:default\s+)?(?:async\s+)?function\s*\*?\s*main\b|\bexport\s+(?:const|let|var)\s+main\b/.test(l));
	return i === -1 ? null : { function: 'main', file: file.slice(snippetDir.length + 1), line: i + 1 };
}

/** JSON-able as is, or its inspect() text (a Map, a BigInt, a cycle). */
function returnedValue(value: unknown): unknown {
	if (value === undefined) return null;
	try {
		const json = JSON.stringify(value);
		if (json !== undefined) return JSON.parse(json);
	} catch {
		// Not JSON-able: fall through to inspect().
	}
	return inspect(value, { depth: 6 });
}

process.on('uncaughtException', raised);
process.on('unhandledRejection', raised);
process.on('exit', (code) => {
	if (channel.decided() || exitBeforeMain) return;
	if (startedAt === null) {
		const why = code === 13 ? 'its top-level await never settled' : `the process exited with status ${code} while loading it`;
		channel.send({ type: 'unrunnable', message: `did not finish loading: ${why}.` });
		channel.close();
		return;
	}
	channel.verdict({
		outcome: 'raised',
		detectedBy: null,
		elapsedMs: elapsed(),
		cpuMs: cpuMs(),
		witness: null,
		error: { type: 'ProcessExit', message: `process.exit(${code}) was called before main() returned`, text: `process.exit(${code}) was called before main() returned` },
		potentialDeadlocks: potentialDeadlocks(),
	} as Omit<VerdictMessage, 'type'>);
});

if (detect) {
	const installed = installDetection(snippetDir, file);
	detection = installed;
	watchQuiescence({
		stillWaiting: () => startedAt !== null && !mainSettled && !channel.decided(),
		pendingUnrefs,
		onQuiescent: () => {
			void installed.detector.probeAll().then(
				() => {
					const proof = installed.detector.findProof();
					deadlock(proof ? 'cycle' : 'quiescence', proof);
				},
				() => deadlock('quiescence', null),
			);
		},
	});
}

const loaded = await loadSnippet(file);
if (!loaded.ok) {
	channel.send({ type: 'unrunnable', message: loaded.message });
	channel.close();
	process.exit(2);
}

// A cycle seen at the timeout is not claimed: the program still had work that could run (else
// quiescence would have come first), and that work may release or cancel a lock (detector.ts).
const onTimeout = async () => {
	if (detection) {
		try {
			await detection.detector.probeAll(); // fresh chains for the witness
		} catch {
			// The witness below says what it can.
		}
	}
	finish({ outcome: 'timeout', detectedBy: 'timeout', witness: detection ? witnessNow(detection, 'timeout', null) : null, error: null });
};

if (exitBeforeMain) {
	channel.close();
	process.exit(0);
}
channel.send({ type: 'started' });
cpuAtStart = process.cpuUsage();
startedAt = performance.now();
watchdog.arm(startedAt);
// Unref'd, so that it cannot hide a drained loop. Timers run on the loop's millisecond clock and
// may fire a fraction early: the verdict waits for the full timeout.
const armTimeout = (ms: number) => {
	const timer = setTimeout(() => {
		const left = timeoutMs - elapsed();
		if (left > 0) armTimeout(Math.ceil(left));
		else void onTimeout();
	}, ms);
	unrefOwn(timer);
};
armTimeout(timeoutMs);
if (!detection) keepDrainedLoopTurning(() => !mainSettled && !channel.decided());

const completed = (value: unknown) => {
	mainSettled = true;
	finish({ outcome: 'completed', detectedBy: null, witness: null, error: null, returned: returnedValue(value) });
};
const failed = (error: unknown) => {
	mainSettled = true;
	raised(error);
};
const main = loaded.main; // Called as a plain function, as `main()` in the module would be.
try {
	const result = runInContext(MAIN_CONTEXT, () => main());
	if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') (result as PromiseLike<unknown>).then(completed, failed);
	else completed(result);
} catch (error) {
	failed(error);
}
