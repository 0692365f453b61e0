import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/verify/run-snippet.ts';
import { failureReport, resultLine, trapName } from '../../src/verify/verify-cli.ts';
import { shardOf, type ProgramVerification } from '../../src/verify/verify-trap.ts';

const run = (over: Partial<RunResult>): RunResult => ({
	file: 'snippets/t/failure.py',
	language: 'python',
	outcome: 'deadlock',
	detectedBy: 'cycle',
	elapsedMs: 14.2,
	timeoutMs: 5000,
	detect: true,
	runtime: { name: 'CPython', version: '3.12.3' },
	witness: null,
	error: null,
	returned: null,
	stdout: '',
	stderr: '',
	truncated: { stdout: false, stderr: false },
	killedByRunner: false,
	strays: 0,
	...over,
});
const verification = (over: Partial<ProgramVerification>): ProgramVerification => ({
	trap: 't',
	file: 'failure.py',
	snippet: 'snippets/t/failure.py',
	expect: 'deadlock',
	timeoutMs: 5000,
	status: 'ok',
	cached: false,
	ranBecause: ['not verified yet'],
	rerunAlone: false,
	problems: [],
	record: { snippet: 'snippets/t/failure.py', trap: 't', file: 'failure.py', expect: 'deadlock', sourceHash: 'k', ranAt: '', run: run({}), contract: null, matches: true },
	wallMs: 30,
	...over,
});

describe('npm run verify output', () => {
	it('prints one line per program: status, program, verdict with detector, time to verdict, cached', () => {
		expect(resultLine(verification({}))).toMatch(/^ok {5}t\/failure\.py +deadlock \(cycle\) +14 ms {2}ran: not verified yet$/);
		expect(resultLine(verification({ cached: true }))).toMatch(/14 ms {2}cached$/);
		const failed = verification({ status: 'failed', problems: ['ended in completed, but the page claims deadlock'], record: { ...verification({}).record!, run: run({ outcome: 'completed', detectedBy: null, elapsedMs: 812 }) } });
		expect(resultLine({ ...failed, ranBecause: ['program changed'] })).toMatch(/^FAILED t\/failure\.py +completed +812 ms {2}expected deadlock; ran: program changed$/);
	});

	it('says under a failure what disagrees, what the run did and what to do', () => {
		const failed = verification({ status: 'failed', problems: ['ended in completed, but the page claims deadlock'], record: { ...verification({}).record!, run: run({ outcome: 'completed', detectedBy: null }) } });
		const text = failureReport(failed, 'content/traps/t.mdx');
		expect(text).toContain('  - ended in completed, but the page claims deadlock');
		expect(text).toContain('snippets/t/failure.py: completed in 14 ms (CPython 3.12.3)');
		expect(text).toContain('npm run check -- snippets/t/failure.py');
		expect(text).toContain('content/traps/t.mdx');
	});

	it('accepts a trap by name, by its snippets folder or by its page', () => {
		expect(['my-trap', 'snippets/my-trap/', 'snippets/my-trap/failure.py', 'content/traps/my-trap.mdx'].map(trapName)).toEqual(['my-trap', 'my-trap', 'my-trap', 'my-trap']);
	});

	it('splits traps into shards that together hold each trap once', () => {
		const traps = ['d', 'a', 'c', 'b', 'e'].map((name) => ({ name }));
		const shards = [1, 2, 3].map((i) => shardOf(traps, `${i}/3`).map((t) => t.name));
		expect(shards).toEqual([['a', 'd'], ['b', 'e'], ['c']]);
		expect(() => shardOf(traps, '4/3')).toThrow(/--shard must be <index>\/<count>/);
	});
});
