import { formatRanAt } from '../components/utils/result-view.ts';
import { verdictLine } from '../verify/report.ts';
import type { Freshness } from '../verify/results.ts';
import type { RunResult } from '../verify/run-snippet.ts';
import { formatWitness } from '../verify/words.ts';

/** A lock-order inversion the engine saw, even in a run that did not deadlock (see RunResult). */
export interface PotentialDeadlockFact {
	locks: string[];
	orders: Array<{ task: string; holding: { lock: string; at: string }; took: { lock: string; at: string } }>;
}

/** What the exports (cards, catalog.json) say about a program's last verification run. */
export interface ObservedRun {
	/** `current` only when the record was made from exactly the files published now. */
	state: 'current' | 'stale' | 'missing';
	/** The verdict sentence of `verdictLine`, with the run's date: "deadlock, proven by …, 2026-12-01 20:40 UTC". */
	sentence: string;
	/** Present when `state` is `current`. */
	run?: {
		outcome: RunResult['outcome'];
		detectedBy: RunResult['detectedBy'];
		runtime: RunResult['runtime'];
		ranAt: string;
		elapsedMs: number;
		/** Whether the run agreed with the page's claim. */
		matches: boolean;
		/** The first line of `formatWitness`, or null without a witness. */
		witnessSummary: string | null;
		potentialDeadlocks: PotentialDeadlockFact[];
	};
}

/**
 * What may be said about a program's last run: for a current record its verdict sentence
 * (`verdictLine`, never a second wording) and date, witness summary and potential deadlocks
 * (a missing `potentialDeadlocks` field reads as none); otherwise a plain "not verified" sentence.
 */
export function observedRun(f: Freshness): ObservedRun {
	if (f.state === 'missing') {
		return { state: 'missing', sentence: 'not verified in this build: no verification run has recorded this program' };
	}
	if (f.state === 'stale') {
		return { state: 'stale', sentence: 'not verified in this build: the program or a module it imports changed after the last run' };
	}
	const { record } = f;
	const run = record.run;
	const witnessSummary = run.witness ? formatWitness(run.witness).split('\n')[0] : null;
	const potential = (run as RunResult & { potentialDeadlocks?: PotentialDeadlockFact[] }).potentialDeadlocks ?? [];
	return {
		state: 'current',
		sentence: `${verdictLine(run)}, ${formatRanAt(record.ranAt)}${record.matches ? '' : ` (does not match the claim "${record.expect}")`}`,
		run: {
			outcome: run.outcome,
			detectedBy: run.detectedBy,
			runtime: run.runtime,
			ranAt: record.ranAt,
			elapsedMs: run.elapsedMs,
			matches: record.matches,
			witnessSummary,
			potentialDeadlocks: potential,
		},
	};
}
