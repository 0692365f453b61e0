import type { Freshness } from '../../verify/results.ts';
import { formatMs, verdictLine } from '../../verify/report.ts';
import { formatPotentialDeadlocks, formatWitness } from '../../verify/words.ts';

/** What a page shows under a program, computed from its last verification record. */
export interface ResultView {
	state: 'current' | 'stale' | 'missing';
	/** `pass` when the run agreed with the page's claim, `fail` when it did not. */
	tone: 'pass' | 'fail' | 'unknown';
	/** The headline, e.g. "Observed: deadlock, proven by a cycle … 6 ms after main() started". */
	headline: string;
	/** Further lines: the detection-off run, the workload summary (runtime and time are in `badge`). */
	details: string[];
	/** The witness or error text, shown as preformatted text. */
	evidence: string | null;
	/** What `evidence` is. */
	evidenceKind: 'witness' | 'error' | null;
	/** The lock-order warning of a run that showed a potential deadlock (whatever its verdict), or null. */
	warning: string | null;
	/** The program's verification badge: verdict, runtime and version, date. */
	badge: ProgramBadge;
}

/** The verification badge of one program, as its result panel shows it. */
export interface ProgramBadge {
	/** "Verified" (the last run agrees with the page), "Failed" (it does not), or "Not verified in this build". */
	label: 'Verified' | 'Failed' | 'Not verified in this build';
	/** The observed verdict of a current record. */
	verdict: string | null;
	/** "CPython 3.11.7" */
	runtime: string | null;
	/** "2026-11-26 08:40 UTC" */
	ranAt: string | null;
}

const UNVERIFIED: ProgramBadge = { label: 'Not verified in this build', verdict: null, runtime: null, ranAt: null };

/** "2026-11-26 08:40 UTC". */
export function formatRanAt(iso: string): string {
	return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Lines describing a workload summary that main() returned, e.g. "400 calls, 100 at a time". */
export function describeSummary(returned: unknown): string[] {
	if (!returned || typeof returned !== 'object' || Array.isArray(returned)) return [];
	const s = returned as Record<string, unknown>;
	const lines: string[] = [];
	const parts = Object.entries(s)
		.filter(([k, v]) => k !== 'invariants' && (typeof v === 'number' || typeof v === 'string'))
		.map(([k, v]) => `${k}: ${v}`);
	if (parts.length) lines.push(`Workload: ${parts.join(', ')}.`);
	if (Array.isArray(s.invariants) && s.invariants.length) lines.push(`Invariants checked: ${s.invariants.join('; ')}.`);
	return lines;
}

/**
 * Turns a record's freshness into what the page says: the observed verdict with its proof when
 * the record is current, and a plain statement, never an old result, when it is stale or missing.
 */
export function resultView(f: Freshness): ResultView {
	if (f.state === 'missing') {
		return {
			state: 'missing',
			tone: 'unknown',
			headline: 'Not verified in this build: no verification run has recorded this program.',
			details: ['Run `npm test` (or `npm start`) to run it and show here what it does.'],
			evidence: null,
			evidenceKind: null,
			warning: null,
			badge: UNVERIFIED,
		};
	}
	const { record } = f;
	if (f.state === 'stale') {
		return {
			state: 'stale',
			tone: 'unknown',
			headline: 'Not verified in this build: this program or a module it imports changed after the last run.',
			details: [`The last run (${formatRanAt(record.ranAt)}) was of an earlier version, so its result is not shown. Run \`npm test\` to verify this one.`],
			evidence: null,
			evidenceKind: null,
			warning: null,
			badge: UNVERIFIED,
		};
	}
	const { run, contract } = record;
	const details: string[] = [];
	if (contract) {
		details.push(
			contract.outcome === 'timeout'
				? `With the detectors switched off, it did not finish within ${formatMs(contract.timeoutMs)} and was stopped.`
				: `With the detectors switched off: ${verdictLine(contract)}.`,
		);
	}
	details.push(...describeSummary(run.returned));
	if (!record.matches) details.unshift(`This does not match what the page claims (${record.expect}); the test suite reports it as a failure.`);
	const evidence = run.witness ? formatWitness(run.witness) : run.outcome === 'raised' ? (run.error?.text || run.error?.message || null) : null;
	return {
		state: 'current',
		tone: record.matches ? 'pass' : 'fail',
		headline: `Observed: ${verdictLine(run).replace(/ \([^)]*\)$/, '')}.`,
		details,
		evidence: evidence?.trimEnd() ?? null,
		evidenceKind: run.witness ? 'witness' : evidence ? 'error' : null,
		warning: formatPotentialDeadlocks(run.potentialDeadlocks) || null,
		badge: {
			label: record.matches ? 'Verified' : 'Failed',
			verdict: run.outcome,
			runtime: `${run.runtime.name} ${run.runtime.version}`,
			ranAt: formatRanAt(record.ranAt),
		},
	};
}
