import { describe, expect, it } from 'vitest';
import { formatWitness, type Witness } from '../../src/verify/witness.ts';

const chain = (...fs: Array<[string, string, number]>) => fs.map(([fn, file, line]) => ({ function: fn, file, line }));

const selfLoop: Witness = {
	summary: 'Task "caller-3" waits for Store._lock, which it already holds (acquired in Store.rebuild at failure.py:33)',
	cycle: ['task:caller-3', 'lock:1', 'task:caller-3'],
	tasks: [
		{
			id: 'task:caller-3',
			kind: 'task',
			name: 'caller-3',
			state: 'waiting',
			waitsFor: 'lock:1',
			thread: 'MainThread',
			chain: chain(['caller', 'workload.py', 90], ['Store.rebuild', 'failure.py', 36], ['Store.set_hash', 'failure.py', 23], ['Lock.acquire', 'asyncio/locks.py', 114]),
		},
		...Array.from({ length: 12 }, (_, i) => ({
			id: `task:caller-${10 + i}`,
			kind: 'task' as const,
			name: `caller-${10 + i}`,
			state: 'waiting' as const,
			waitsFor: 'lock:1',
			chain: chain(['caller', 'workload.py', 92], [i % 2 ? 'Store.rebuild' : 'Store.set_hash', 'failure.py', 30], ['Lock.acquire', 'asyncio/locks.py', 114]),
		})),
	],
	locks: [
		{
			id: 'lock:1',
			name: 'Store._lock',
			kind: 'asyncio.Lock',
			owner: 'task:caller-3',
			acquiredAt: chain(['caller', 'workload.py', 90], ['Store.rebuild', 'failure.py', 33]),
			waiters: ['task:caller-3'],
		},
	],
};

describe('formatWitness', () => {
	const text = formatWitness(selfLoop);

	it('leads with the summary', () => {
		expect(text.split('\n')[0]).toBe(selfLoop.summary);
	});

	it('names the waiter, the lock, the holder and where the holder took it', () => {
		expect(text).toContain('Task "caller-3" on thread MainThread\n  waits for Store._lock (asyncio.Lock)\n  which is held by itself\n    since Store.rebuild (failure.py:33)');
	});

	it('prints the whole await chain, outermost first', () => {
		expect(text).toContain(
			'  await chain, outermost first:\n    caller (workload.py:90)\n    Store.rebuild (failure.py:36)\n    Store.set_hash (failure.py:23)\n    Lock.acquire (asyncio/locks.py:114)',
		);
	});

	it('folds a long queue of waiters into one line by function', () => {
		expect(text).toMatch(/Also waiting for Store\._lock: 10 more \(Store\.set_hash ×5, Store\.rebuild ×5\)\./);
		expect(text.split('\n').slice(1).filter((l) => l.startsWith('Task ')).length).toBe(3);
	});

	it('says when a lock is held by another task', () => {
		const abba: Witness = {
			summary: 'two tasks wait for each other',
			cycle: ['task:a', 'lock:x', 'task:b', 'lock:y', 'task:a'],
			tasks: [
				{ id: 'task:a', kind: 'task', name: 'a', state: 'waiting', waitsFor: 'lock:x', chain: [] },
				{ id: 'task:b', kind: 'task', name: 'b', state: 'waiting', waitsFor: 'lock:y', chain: [] },
			],
			locks: [
				{ id: 'lock:x', name: 'x', kind: 'asyncio.Lock', owner: 'task:b', acquiredAt: chain(['second', 'abba.py', 12]), waiters: ['task:a'] },
				{ id: 'lock:y', name: 'y', kind: 'asyncio.Lock', owner: 'task:a', acquiredAt: chain(['first', 'abba.py', 7]), waiters: ['task:b'] },
			],
		};
		expect(formatWitness(abba)).toContain('Task "a"\n  waits for x (asyncio.Lock)\n  which is held by Task "b"\n    since second (abba.py:12)');
	});
});
