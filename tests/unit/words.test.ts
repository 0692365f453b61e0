import { describe, expect, it } from 'vitest';
import type { Frame, Witness, WitnessResource, WitnessTask } from '../../src/verify/facts.ts';
import { formatPotentialDeadlocks, formatWitness, LIMITS, summarize } from '../../src/verify/words.ts';

const f = (fn: string, file: string, line: number): Frame => ({ function: fn, file, line });
const task = (name: string, extra: Partial<WitnessTask> = {}): WitnessTask => ({
	id: `task:${name}`,
	kind: 'task',
	name,
	state: 'waiting',
	chain: [f('main', 'x.py', 1), f(name, 'x.py', 10)],
	...extra,
});
const lock = (name: string, extra: Partial<WitnessResource> = {}): WitnessResource => ({
	id: `lock:${name}`,
	kind: 'lock',
	name,
	type: 'asyncio.Lock',
	waiters: [],
	...extra,
});

describe('summarize: one sentence per kind, the same whichever harness sent the facts', () => {
	it('a task waiting for a lock it holds itself', () => {
		const w: Witness = {
			reason: 'wait-cycle',
			cycle: ['task:caller-3', 'lock:Store._lock', 'task:caller-3'],
			tasks: [task('caller-3')],
			resources: [lock('Store._lock', { holders: [{ agent: 'task:caller-3', acquiredAt: [f('caller', 'workload.py', 90), f('Store.rebuild', 'failure.py', 33)] }], waiters: ['task:caller-3'] })],
			edges: [{ relation: 'waits', from: 'task:caller-3', to: 'lock:Store._lock', op: 'acquire' }],
		};
		expect(summarize(w)).toBe('Task `caller-3` waits for Lock `Store._lock`, which it already holds (acquired in `Store.rebuild` at failure.py:33)');
	});

	it('an AB-BA cycle names both holders and where they took their locks', () => {
		const w: Witness = {
			reason: 'wait-cycle',
			cycle: ['task:a', 'lock:B', 'task:b', 'lock:A', 'task:a'],
			tasks: [task('a'), task('b')],
			resources: [
				lock('A', { holders: [{ agent: 'task:a', acquiredAt: [f('transfer', 'abba.py', 12)] }], waiters: ['task:b'] }),
				lock('B', { holders: [{ agent: 'task:b', acquiredAt: [f('refund', 'abba.py', 20)] }], waiters: ['task:a'] }),
			],
			edges: [
				{ relation: 'waits', from: 'task:a', to: 'lock:B', op: 'acquire' },
				{ relation: 'waits', from: 'task:b', to: 'lock:A', op: 'acquire' },
			],
		};
		expect(summarize(w)).toBe(
			'Task `a` waits for Lock `B`, held by Task `b` since abba.py:20, which waits for Lock `A`, held by Task `a` since abba.py:12',
		);
	});

	it('a full queue whose only consumer waits for the lock the producer holds', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('producer'), task('consumer')],
			resources: [
				{ id: 'queue:jobs', kind: 'queue', name: 'jobs', type: 'asyncio.Queue', waiters: ['task:producer'], state: { size: 1, maxsize: 1 } },
				lock('Store._lock', { holders: [{ agent: 'task:producer', acquiredAt: [f('produce', 'producer.py', 14)] }], waiters: ['task:consumer'] }),
			],
			edges: [
				{ relation: 'waits', from: 'task:producer', to: 'queue:jobs', op: 'put' },
				{ relation: 'can-wake', from: 'queue:jobs', to: 'task:consumer', op: 'get' },
				{ relation: 'waits', from: 'task:consumer', to: 'lock:Store._lock', op: 'acquire' },
			],
		};
		expect(summarize(w)).toBe(
			'Task `producer` waits for room in Queue `jobs` (full, maxsize 1); the only task that could take from it, `consumer`, which waits for Lock `Store._lock`, held by Task `producer` since producer.py:14; 2 tasks wait in all; nothing else can wake them (no ready callbacks, timers, I/O or busy threads)',
		);
	});

	it('an Event that nothing left to run will set', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('waiter')],
			resources: [{ id: 'event:ready', kind: 'event', name: 'ready', type: 'asyncio.Event', waiters: ['task:waiter'], state: { set: false } }],
			edges: [{ relation: 'waits', from: 'task:waiter', to: 'event:ready', op: 'wait' }],
		};
		expect(summarize(w)).toMatch(/^Task `waiter` waits for Event `ready` \(not set\), which nothing left to run will set; nothing else can wake them/);
	});

	it('a leaked lock reads as one: the holder finished without releasing it', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('caller-1'), task('caller-0', { state: 'done', ended: 'returned', chain: [] })],
			resources: [
				lock('Pool.mutex', {
					type: 'Mutex',
					holders: [{ agent: 'task:caller-0', acquiredAt: [f('caller', 'pool.ts', 50), f('Pool.take', 'pool.ts', 30)], leaked: 'owner-finished' }],
					waiters: ['task:caller-1'],
				}),
			],
			edges: [{ relation: 'waits', from: 'task:caller-1', to: 'lock:Pool.mutex', op: 'acquire' }],
		};
		expect(summarize(w)).toContain('held by Task `caller-0`, which finished without releasing it (acquired in `Pool.take` at pool.ts:30)');
		expect(summarize(w)).not.toContain('itself');
	});

	it('Future.result() on the event-loop thread', () => {
		const w: Witness = {
			reason: 'loop-thread-blocked',
			cycle: null,
			tasks: [
				{ id: 'thread:MainThread', kind: 'thread', name: 'MainThread', state: 'waiting', loopThread: true, chain: [f('main', 'own_loop.py', 20), f('Future.result', 'concurrent/futures/_base.py', 451)], runningTask: 'task:main' },
			],
			resources: [{ id: 'future:1', kind: 'future', name: 'fetch()', type: 'concurrent.futures.Future', waiters: ['thread:MainThread'] }],
			edges: [
				{ relation: 'waits', from: 'thread:MainThread', to: 'future:1', op: 'result' },
				{ relation: 'can-wake', from: 'future:1', to: 'thread:MainThread', op: 'complete' },
			],
		};
		expect(summarize(w)).toBe('Thread `MainThread` is blocked in `Future.result()` on the event-loop thread; only that loop can complete the future `fetch()`');
	});

	it('a semaphore whose permits all leaked', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('worker-2'), task('worker-1', { state: 'done', chain: [] })],
			resources: [
				{
					id: 'sem:slots',
					kind: 'semaphore',
					name: 'Pool._slots',
					type: 'asyncio.Semaphore',
					waiters: ['task:worker-2'],
					state: { value: 0, initial: 1 },
					holders: [{ agent: 'task:worker-1', acquiredAt: [f('Pool.run', 'pool.py', 17)], leaked: 'frame-raised' }],
				},
			],
			edges: [{ relation: 'waits', from: 'task:worker-2', to: 'sem:slots', op: 'acquire' }],
		};
		expect(summarize(w)).toContain('waits for a permit of Semaphore `Pool._slots` (0 of 1 free), held by Task `worker-1`, whose code that took it raised without releasing it (acquired in `Pool.run` at pool.py:17)');
	});

	it('a job waiting for a job behind it in its own one-worker pool', () => {
		const w: Witness = {
			reason: 'threads-blocked',
			cycle: null,
			tasks: [
				{ id: 'thread:MainThread', kind: 'thread', name: 'MainThread', state: 'waiting', chain: [f('main', 'pool.py', 17)] },
				{ id: 'thread:worker_0', kind: 'thread', name: 'worker_0', state: 'waiting', chain: [f('outer_job', 'pool.py', 9)] },
			],
			resources: [
				{ id: 'future:handle', kind: 'future', name: 'handle', type: 'concurrent.futures.Future', waiters: ['thread:MainThread'] },
				{ id: 'executor:pool', kind: 'executor', name: 'pool', type: 'concurrent.futures.ThreadPoolExecutor', waiters: ['thread:worker_0'], state: { workers: 1, busy: 1 } },
			],
			edges: [
				{ relation: 'waits', from: 'thread:MainThread', to: 'future:handle', op: 'result' },
				{ relation: 'can-wake', from: 'future:handle', to: 'thread:worker_0', op: 'complete' },
				{ relation: 'waits', from: 'thread:worker_0', to: 'executor:pool', op: 'result' },
				{ relation: 'can-wake', from: 'executor:pool', to: 'thread:worker_0', op: 'run' },
			],
		};
		expect(summarize(w)).toBe(
			'Thread `MainThread` waits for the result of Future `handle`; the only thread that could complete it, `worker_0`, which waits for a free worker of ThreadPoolExecutor `pool` (1 of 1 busy); only this thread itself could run it, and it is the one waiting; 2 threads wait for good; no live thread can wake them',
		);
	});

	it('a timeout says no deadlock was proven', () => {
		const w: Witness = { reason: 'timeout', cycle: null, tasks: [task('slow', { state: 'running' })], resources: [], edges: [], timeoutMs: 2000 };
		expect(summarize(w)).toMatch(/^main\(\) had not returned after 2\.00 s and no deadlock was proven/);
	});
});

describe('formatWitness', () => {
	it('folds waiters queued on a resource already shown, and keeps every cycle member', () => {
		const holder = 'task:caller-0';
		const waiters = Array.from({ length: 20 }, (_, i) => task(`caller-${i + 1}`, { chain: [f('caller', 'w.py', 5), f(i % 2 ? 'get' : 'put', 'store.py', 9)] }));
		const w: Witness = {
			reason: 'wait-cycle',
			cycle: [holder, 'lock:L', holder],
			tasks: [task('caller-0'), ...waiters],
			resources: [lock('L', { holders: [{ agent: holder, acquiredAt: [f('put', 'store.py', 3)] }], waiters: [holder, ...waiters.map((t) => t.id)] })],
			edges: [],
		};
		const text = formatWitness(w);
		expect(text.split('\n')[0]).toContain('which it already holds');
		const described = text.split('\n').slice(1).filter((l) => /^Task `/.test(l));
		expect(described).toHaveLength(LIMITS.tasksShown);
		expect(text).toContain(`Also waiting for Lock \`L\`: ${20 - (LIMITS.tasksShown - 1)} more (`);
		expect(text).toContain('await chain, outermost first:');
	});
});

describe('formatWitness folding', () => {
	it('folds a waiter that does exactly what one already shown does, even below the limit', () => {
		const same = [f('consumer', 'workload.py', 38), f('Mailbox.take', 'failure.py', 28)];
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('consumer-0', { chain: same }), task('consumer-1', { chain: same }), task('producer', { chain: [f('producer', 'workload.py', 50)] })],
			resources: [{ id: 'event:e', kind: 'event', name: 'Mailbox._arrived', type: 'asyncio.Event', waiters: ['task:consumer-0', 'task:consumer-1', 'task:producer'], state: { set: false } }],
			edges: [],
		};
		const text = formatWitness(w);
		expect(text).toContain('Task `consumer-0`');
		expect(text).toContain('Task `producer`');
		expect(text).not.toContain('Task `consumer-1`\n');
		expect(text).toContain('Also waiting for Event `Mailbox._arrived`: 1 more (Mailbox.take ×1).');
	});
});

describe('formatPotentialDeadlocks', () => {
	it('names both locks and both places', () => {
		const text = formatPotentialDeadlocks([
			{
				locks: ['Account.lock', 'Ledger.lock'],
				orders: [
					{ task: 'Task `transfer`', holding: { lock: 'Account.lock', at: 'lucky.py:12' }, took: { lock: 'Ledger.lock', at: 'lucky.py:13' } },
					{ task: 'Task `audit`', holding: { lock: 'Ledger.lock', at: 'lucky.py:20' }, took: { lock: 'Account.lock', at: 'lucky.py:21' } },
				],
			},
		]);
		expect(text).toContain('Potential deadlock (lock-order inversion): `Account.lock` and `Ledger.lock` are taken in both orders');
		expect(text).toContain('takes `Ledger.lock` at lucky.py:13 while holding `Account.lock` (taken at lucky.py:12)');
		expect(text).toContain('takes `Account.lock` at lucky.py:21 while holding `Ledger.lock` (taken at lucky.py:20)');
		expect(formatPotentialDeadlocks([])).toBe('');
	});
});
