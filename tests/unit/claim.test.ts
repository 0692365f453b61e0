import { describe, expect, it } from 'vitest';
import { checkClaim } from '../../src/verify/claim.ts';
import type { RunResult } from '../../src/verify/run-snippet.ts';

const run = (over: Partial<RunResult> & { potentialDeadlocks?: unknown }): RunResult => ({
	file: 'snippets/t/x.py',
	language: 'python',
	outcome: 'completed',
	detectedBy: null,
	elapsedMs: 40,
	timeoutMs: 5000,
	detect: true,
	runtime: { name: 'CPython', version: '3.12.3' },
	witness: null,
	error: null,
	returned: { concurrent: 100, invariants: ['every committed state is whole'] },
	stdout: '',
	stderr: '',
	truncated: { stdout: false, stderr: false },
	killedByRunner: false,
	strays: 0,
	...over,
});
const proven = run({
	outcome: 'deadlock',
	detectedBy: 'cycle',
	elapsedMs: 12,
	returned: null,
	witness: {
		reason: 'wait-cycle',
		cycle: ['task:a', 'lock:L', 'task:a'],
		tasks: [{ id: 'task:a', kind: 'task', name: 'a', state: 'waiting', chain: [] }],
		resources: [{ id: 'lock:L', kind: 'lock', name: 'L', type: 'asyncio.Lock', waiters: ['task:a'], holders: [{ agent: 'task:a', acquiredAt: [{ function: 'f', file: 'x.py', line: 3 }] }] }],
		edges: [],
	} as unknown as RunResult['witness'],
});
const contract = run({ outcome: 'timeout', detectedBy: 'timeout', detect: false, elapsedMs: 5003, returned: null });
const deadlock = { expect: 'deadlock' as const, timeoutMs: 5000 };

describe('checkClaim: does a run do what its page claims', () => {
	it('accepts a proven, explained deadlock that times out with detection off', () => {
		expect(checkClaim(deadlock, proven, contract)).toEqual([]);
	});

	it('names each way a deadlock claim fails', () => {
		expect(checkClaim(deadlock, run({}), contract)).toEqual(['ended in completed, but the page claims deadlock']);
		expect(checkClaim(deadlock, proven, run({ outcome: 'completed', detect: false }))[0]).toMatch(/^with detection off it ended in completed, not timeout/);
		expect(checkClaim(deadlock, proven, null)).toEqual(['no run with detection off: the timeout contract was not checked']);
		expect(checkClaim(deadlock, { ...proven, witness: { ...(proven.witness as object), resources: [] } as RunResult['witness'] }, contract).join('\n')).toMatch(
			/the engine cannot explain its proof: .*does not describe/,
		);
		expect(checkClaim(deadlock, proven, { ...contract, elapsedMs: 4000 })).toEqual(['with detection off it stopped after 4000 ms, before its 5000 ms timeout']);
	});

	it('requires a solution to report its concurrent workload and carry no lock-order inversion', () => {
		const claim = { expect: 'completed' as const, timeoutMs: 5000 };
		expect(checkClaim(claim, run({}), null)).toEqual([]);
		expect(checkClaim(claim, run({ returned: { concurrent: 10, invariants: [] } }), null)).toHaveLength(2);
		const inversion = {
			locks: ['Store._lock', 'Index.lock'],
			orders: [
				{ task: 'a', holding: { lock: 'Store._lock', at: 'x.py:3' }, took: { lock: 'Index.lock', at: 'x.py:4' } },
				{ task: 'b', holding: { lock: 'Index.lock', at: 'x.py:9' }, took: { lock: 'Store._lock', at: 'x.py:10' } },
			],
		};
		expect(checkClaim(claim, run({ potentialDeadlocks: [inversion] }), null)).toEqual([
			'it took Store._lock and Index.lock in opposite orders (a took Index.lock at x.py:4 while holding Store._lock; b took Store._lock at x.py:10 while holding Index.lock): a potential deadlock',
		]);
		// The lucky run a page shows on purpose: declared, it must carry the inversion.
		const lucky = { ...claim, potentialDeadlock: true };
		expect(checkClaim(lucky, run({ potentialDeadlocks: [inversion] }), null)).toEqual([]);
		expect(checkClaim(lucky, run({}), null)).toEqual([
			'the page declares potentialDeadlock: true, but the run took no two locks in opposite orders: the engine reported no potential deadlock',
		]);
	});

	it('accepts a raised claim that raised, and no contract run is needed', () => {
		expect(checkClaim({ expect: 'raised', timeoutMs: 5000 }, run({ outcome: 'raised', returned: null }), null)).toEqual([]);
	});
});
