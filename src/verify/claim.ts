/**
 * Whether what a program did agrees with what its page claims: the rules the snippet suite, `npm
 * run verify` and the record's `matches` share.
 */
import type { PotentialDeadlock } from './facts.ts';
import { explainProof } from './proof-check.ts';
import type { RunResult } from './run-snippet.ts';
import { isFailureVerdict, type Verdict } from './vocabulary.ts';

/** The least a solution's workload must show: this many concurrent callers, and what it checked. */
export const MIN_CONCURRENT_CALLERS = 100;

/** What the page claims about a program. */
export interface Claim {
	expect: Verdict;
	timeoutMs: number;
	/**
	 * A `completed` program declared to show a lock-order inversion (`potentialDeadlock: true`):
	 * the lucky run that passes its tests and hangs in production. Its run must report one.
	 */
	potentialDeadlock?: boolean;
}

/** Lock-order inversions a run saw; a run from a harness that does not report them has none. */
export function potentialDeadlocksOf(run: RunResult): PotentialDeadlock[] {
	return (run as RunResult & { potentialDeadlocks?: PotentialDeadlock[] }).potentialDeadlocks ?? [];
}

/**
 * Every way the run (detection on) and, for a failure program, the contract run (detection off)
 * disagree with the claim, one sentence each; empty when they agree:
 * - the verdict is the declared one;
 * - `deadlock`: proven by a detector (cycle, quiescence, watchdog) before the timeout, with a
 *   witness that explains the proof (`explainProof`);
 * - a failure (`deadlock`, `timeout`): with detection off it runs into its full timeout;
 * - `completed`: main() returns `{ concurrent ≥ 100, invariants: [...] }`, and the run took no
 *   two locks in opposite orders (a fix may not carry a lock-order inversion) — unless the page
 *   declares `potentialDeadlock: true`, and then the run must report one.
 */
export function checkClaim(claim: Claim, run: RunResult, contract: RunResult | null): string[] {
	const problems: string[] = [];
	if (run.outcome !== claim.expect) problems.push(`ended in ${run.outcome}, but the page claims ${claim.expect}`);
	if (claim.expect === 'deadlock' && run.outcome === 'deadlock') {
		if (!['cycle', 'quiescence', 'watchdog'].includes(run.detectedBy ?? '')) problems.push(`the deadlock was not proven by a detector (detectedBy: ${run.detectedBy})`);
		if (run.elapsedMs >= claim.timeoutMs) problems.push(`the proof came ${Math.round(run.elapsedMs)} ms after main() started, not within the ${claim.timeoutMs} ms timeout`);
		for (const gap of explainProof(run.witness as Parameters<typeof explainProof>[0])) problems.push(`the engine cannot explain its proof: ${gap}`);
	}
	if (isFailureVerdict(claim.expect)) {
		if (!contract) problems.push('no run with detection off: the timeout contract was not checked');
		else if (contract.outcome !== 'timeout') {
			problems.push(`with detection off it ended in ${contract.outcome}, not timeout: the program does not always get stuck, or the detectors are needed to stop it`);
		} else if (contract.elapsedMs < claim.timeoutMs) {
			problems.push(`with detection off it stopped after ${Math.round(contract.elapsedMs)} ms, before its ${claim.timeoutMs} ms timeout`);
		}
	}
	if (claim.expect === 'completed' && run.outcome === 'completed') {
		const summary = run.returned as { concurrent?: unknown; invariants?: unknown } | null;
		const concurrent = typeof summary?.concurrent === 'number' ? summary.concurrent : 0;
		if (concurrent < MIN_CONCURRENT_CALLERS) {
			problems.push(`main() must return { concurrent, invariants, … } with at least ${MIN_CONCURRENT_CALLERS} concurrent callers; it returned ${JSON.stringify(run.returned)}`);
		}
		if (!Array.isArray(summary?.invariants) || summary.invariants.length === 0) problems.push('main() returned no invariants it checked ({ invariants: ["…"] })');
		const inversions = potentialDeadlocksOf(run);
		if (claim.potentialDeadlock && inversions.length === 0) {
			problems.push('the page declares potentialDeadlock: true, but the run took no two locks in opposite orders: the engine reported no potential deadlock');
		}
		for (const p of claim.potentialDeadlock ? [] : inversions) {
			problems.push(`it took ${p.locks.join(' and ')} in opposite orders (${p.orders.map((o) => `${o.task} took ${o.took.lock} at ${o.took.at} while holding ${o.holding.lock}`).join('; ')}): a potential deadlock`);
		}
	}
	return problems;
}
