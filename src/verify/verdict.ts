/**
 * The verdict vocabulary: a run of a snippet ends in exactly one of these.
 *
 * - `completed` returned normally within the timeout (exit 0);
 * - `raised`    an uncaught error or failed assertion;
 * - `deadlock`  proven stuck (a wait-for cycle, or a quiescent loop with waiters left);
 * - `timeout`   did not finish within the timeout and no proof was found.
 */
export const VERDICTS = ['completed', 'raised', 'deadlock', 'timeout'] as const;

export type Verdict = (typeof VERDICTS)[number];

/** How a `deadlock` or `timeout` verdict was reached; `null` for `completed` and `raised`. */
export const DETECTORS = ['cycle', 'quiescence', 'watchdog', 'timeout'] as const;

export type DetectedBy = (typeof DETECTORS)[number];

/** The verdicts a failure snippet may be declared to reach ("it does not finish"). */
export function isFailureVerdict(verdict: Verdict): boolean {
	return verdict === 'deadlock' || verdict === 'timeout';
}
