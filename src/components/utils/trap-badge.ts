import type { Freshness } from '../../verify/results.ts';
import { formatRanAt } from './result-view.ts';

/** Whether every program of a trap passed its last verification, as a badge says it. */
export interface TrapBadge {
	/** `verified`: every program has a current record that agrees with the page; `failed`: at least one current record does not; `unverified`: otherwise. */
	state: 'verified' | 'failed' | 'unverified';
	/** "Verified", "Failed verification", "Not verified in this build". */
	label: string;
	/** The date of the newest run counted (YYYY-MM-DD), or null when no current record counts. */
	date: string | null;
	/** One sentence saying what the badge is based on. */
	detail: string;
}

const list = (files: string[]) => files.join(', ');

/**
 * The badge of a trap from the freshness of each of its programs' records: computed, never
 * written by hand. A failed program wins over a missing or stale one, which wins over passes.
 */
export function trapBadge(programs: ReadonlyArray<{ file: string; freshness: Freshness }>): TrapBadge {
	const total = programs.length;
	const current = programs.flatMap((p) => (p.freshness.state === 'current' ? [{ file: p.file, record: p.freshness.record }] : []));
	const failed = current.filter((c) => !c.record.matches).map((c) => c.file);
	const unverified = programs.filter((p) => p.freshness.state !== 'current').map((p) => p.file);
	const newest = current.map((c) => c.record.ranAt).sort().at(-1) ?? null;
	const of = (n: number) => (total === 1 ? 'The program' : `${n} of ${total} programs`);
	if (failed.length) {
		return {
			state: 'failed',
			label: 'Failed verification',
			date: newest?.slice(0, 10) ?? null,
			detail: `${of(failed.length)} did not behave as the page claims in the last run (${list(failed)}).`,
		};
	}
	if (unverified.length || total === 0) {
		return {
			state: 'unverified',
			label: 'Not verified in this build',
			date: null,
			detail:
				total === 0
					? 'The page has no program to run.'
					: `${of(unverified.length)} ${unverified.length === 1 ? 'has' : 'have'} no current verification record (${list(unverified)}).`,
		};
	}
	return {
		state: 'verified',
		label: 'Verified',
		date: newest!.slice(0, 10),
		detail: `${total === 1 ? 'The program' : `All ${total} programs`} behaved as the page claims; last run ${formatRanAt(newest!)}.`,
	};
}
