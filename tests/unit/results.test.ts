import { describe, expect, it } from 'vitest';
import { describeSummary, formatRanAt, resultView } from '../../src/components/utils/result-view.ts';
import { parseHarnessMessage } from '../../src/verify/protocol.ts';
import { verdictLine } from '../../src/verify/report.ts';
import { freshness, type SnippetRecord } from '../../src/verify/results.ts';
import type { RunResult } from '../../src/verify/run-snippet.ts';
import { runResult } from '../support/run-result.ts';

const run = (over: Partial<RunResult>): RunResult => runResult(over);

const record = (over: Partial<SnippetRecord>): SnippetRecord => ({
	snippet: 'snippets/t/failure.py',
	trap: 't',
	file: 'failure.py',
	expect: 'deadlock',
	sourceHash: 'abc',
	ranAt: '2026-11-26T08:40:12.000Z',
	run: run({}),
	contract: run({ outcome: 'timeout', detectedBy: 'timeout', detect: false, elapsedMs: 5001 }),
	matches: true,
	...over,
});

describe('freshness and what a page says', () => {
	it('says plainly that a program without a record is not verified', () => {
		const v = resultView(freshness(null, 'abc'));
		expect(v).toMatchObject({ state: 'missing', tone: 'unknown' });
		expect(v.headline).toMatch(/^Not verified in this build/);
	});

	it('never shows a stale record\'s verdict', () => {
		const v = resultView(freshness(record({ sourceHash: 'old' }), 'new'));
		expect(v.state).toBe('stale');
		expect(JSON.stringify(v)).not.toMatch(/deadlock|Observed/);
	});

	it('shows a current deadlock with its proof, the detection-off run, runtime and time', () => {
		const v = resultView(freshness(record({}), 'abc'));
		expect(v.headline).toBe('Observed: deadlock, proven by a cycle in the wait-for graph 6 ms after main() started.');
		expect(v.details).toEqual(['With the detectors switched off, it did not finish within 5.00 s and was stopped.']);
		expect(v.badge).toMatchObject({ runtime: 'CPython 3.11.7', ranAt: '2026-11-26 08:40 UTC' });
		expect(v.tone).toBe('pass');
	});

	it('flags a run that disagrees with the page', () => {
		const v = resultView(freshness(record({ matches: false, run: run({ outcome: 'completed', detectedBy: null, elapsedMs: 30 }) }), 'abc'));
		expect(v.tone).toBe('fail');
		expect(v.details[0]).toMatch(/does not match what the page claims \(deadlock\)/);
	});

	it('shows a lock-order inversion under the program, and nothing when there is none', () => {
		const inversion = {
			locks: ['Account.lock', 'Ledger.lock'],
			orders: [
				{ task: 'transfer', holding: { lock: 'Account.lock', at: 'lucky.py:12' }, took: { lock: 'Ledger.lock', at: 'lucky.py:13' } },
				{ task: 'audit', holding: { lock: 'Ledger.lock', at: 'lucky.py:20' }, took: { lock: 'Account.lock', at: 'lucky.py:21' } },
			],
		};
		const v = resultView(freshness(record({ run: run({ outcome: 'completed', detectedBy: null, potentialDeadlocks: [inversion] }) }), 'abc'));
		expect(v.warning).toContain('`Account.lock` and `Ledger.lock` are taken in both orders');
		expect(v.warning).toContain('lucky.py:21');
		expect(resultView(freshness(record({}), 'abc')).warning).toBeNull();
	});

	it('summarises a workload', () => {
		expect(describeSummary({ callers: 400, concurrent: 100, invariants: ['a', 'b'] })).toEqual([
			'Workload: callers: 400, concurrent: 100.',
			'Invariants checked: a; b.',
		]);
		expect(describeSummary('not an object')).toEqual([]);
		expect(formatRanAt('2026-11-26T08:40:12.000Z')).toBe('2026-11-26 08:40 UTC');
	});
});

describe('verdictLine', () => {
	it('reads like a sentence for each verdict', () => {
		expect(verdictLine(run({ outcome: 'completed', elapsedMs: 812 }))).toBe('completed in 812 ms (CPython 3.11.7)');
		expect(verdictLine(run({ outcome: 'timeout', detect: false }))).toBe('timeout: did not finish within 5.00 s (detection off) (CPython 3.11.7)');
		expect(verdictLine(run({ outcome: 'raised', error: { type: 'InvariantBroken', message: 'half-done', text: '' } }))).toMatch(
			/^raised InvariantBroken after 6 ms: half-done/,
		);
	});
});

describe('parseHarnessMessage', () => {
	it('accepts protocol messages and refuses anything else', () => {
		expect(parseHarnessMessage('{"type":"started"}')).toEqual({ type: 'started' });
		expect(() => parseHarnessMessage('{"type":"verdict","outcome":"stuck","detectedBy":null}')).toThrow(/unknown verdict/);
		expect(() => parseHarnessMessage('{"type":"chatter"}')).toThrow(/not a harness message/);
		expect(() => parseHarnessMessage('not json')).toThrow();
	});
});
