import type { RunResult } from './run-snippet.ts';
import { formatWitness } from './words.ts';
import { formatPotentialDeadlocks } from './words.ts';

/** "4 ms", "1.2 s": durations as a reader scans them. */
export function formatMs(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const DETECTOR: Record<string, string> = {
	cycle: 'a cycle in the wait-for graph',
	quiescence: 'a quiescent event loop with tasks still waiting',
	watchdog: 'the watchdog (threads blocked for good)',
	timeout: 'the timeout',
};

/** One line: the verdict, how it was reached, when, and on what runtime. */
export function verdictLine(r: RunResult): string {
	const rt = `${r.runtime.name} ${r.runtime.version}`;
	switch (r.outcome) {
		case 'completed':
			return `completed in ${formatMs(r.elapsedMs)} (${rt})`;
		case 'raised':
			return `raised ${r.error?.type ?? 'an error'} after ${formatMs(r.elapsedMs)}: ${r.error?.message ?? ''} (${rt})`.trim();
		case 'deadlock':
			return `deadlock, proven by ${DETECTOR[r.detectedBy ?? ''] ?? 'a detector'} ${formatMs(r.elapsedMs)} after main() started (${rt})`;
		case 'timeout':
			return `timeout: did not finish within ${formatMs(r.timeoutMs)}${r.detect ? ' and no deadlock proof was found' : ' (detection off)'} (${rt})`;
	}
}

/** The full human report `npm run check` prints: verdict line, witness or error, output. */
export function formatReport(r: RunResult): string {
	const parts = [`${r.file}: ${verdictLine(r)}`];
	if (r.witness) parts.push(formatWitness(r.witness));
	const warning = formatPotentialDeadlocks((r as { potentialDeadlocks?: Parameters<typeof formatPotentialDeadlocks>[0] }).potentialDeadlocks);
	if (warning) parts.push(warning);
	if (r.killedByRunner) parts.push('The harness could not report in time (stuck outside Python/JavaScript code?); the process group was killed.');
	if (r.error?.text) parts.push(r.error.text.trimEnd());
	if (r.outcome === 'completed' && r.returned !== null && r.returned !== undefined) {
		parts.push(`main() returned: ${JSON.stringify(r.returned, null, 2)}`);
	}
	if (r.strays) parts.push(`${r.strays} leftover process(es) started by the snippet were killed.`);
	if (r.stdout.trim()) parts.push(`stdout:\n${r.stdout.trimEnd()}`);
	if (r.stderr.trim() && !r.error?.text) parts.push(`stderr:\n${r.stderr.trimEnd()}`);
	return parts.join('\n\n');
}
