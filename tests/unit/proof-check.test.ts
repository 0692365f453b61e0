import { describe, expect, it } from 'vitest';
import type { Frame, Witness, WitnessResource, WitnessTask } from '../../src/verify/facts.ts';
import { explainProof } from '../../src/verify/proof-check.ts';

const f = (fn: string, file: string, line: number): Frame => ({ function: fn, file, line });
const task = (name: string, extra: Partial<WitnessTask> = {}): WitnessTask => ({
	id: `task:${name}`,
	kind: 'task',
	name,
	state: 'waiting',
	chain: [f('main', 'x.py', 1), f(name, 'x.py', 10)],
	...extra,
});
const resource = (kind: WitnessResource['kind'], name: string, extra: Partial<WitnessResource> = {}): WitnessResource => ({
	id: `${kind}:${name}`,
	kind,
	name,
	type: `asyncio.${kind}`,
	waiters: [],
	...extra,
});
const waits = (agent: string, res: string, op: 'acquire' | 'wait' | 'get' | 'put' | 'result' = 'acquire') => ({ relation: 'waits' as const, from: agent, to: res, op });

/** A task waiting for a lock it holds itself: the seed's deadlock. */
const selfDeadlock = (holders: WitnessResource['holders']): Witness => ({
	reason: 'wait-cycle',
	cycle: ['task:caller', 'lock:Store._lock', 'task:caller'],
	tasks: [task('caller')],
	resources: [resource('lock', 'Store._lock', { holders, waiters: ['task:caller'] })],
	edges: [waits('task:caller', 'lock:Store._lock')],
});

describe('explainProof: what a deadlock witness must show, per kind', () => {
	it('accepts a lock waiter whose lock names its holder and where it was taken', () => {
		expect(explainProof(selfDeadlock([{ agent: 'task:caller', acquiredAt: [f('Store.rebuild', 'failure.py', 33)] }]))).toEqual([]);
	});

	it('refuses a lock waiter with no holder, or a holder without the place it took the lock', () => {
		expect(explainProof(selfDeadlock([]))).toEqual([
			'Task "caller" waits for asyncio.lock "Store._lock" (lock:Store._lock), but the witness names no holder and no leaked holding',
		]);
		expect(explainProof(selfDeadlock([{ agent: 'task:caller', acquiredAt: [] }]))[0]).toMatch(/held by Task "caller", but not where it was taken/);
	});

	it('accepts a leaked lock: its holder finished without releasing it', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('waiter'), task('caller-0', { state: 'done', ended: 'raised', chain: [] })],
			resources: [resource('lock', 'Pool.mutex', { holders: [{ agent: 'task:caller-0', acquiredAt: [], leaked: 'owner-raised' }], waiters: ['task:waiter'] })],
			edges: [waits('task:waiter', 'lock:Pool.mutex')],
		};
		expect(explainProof(w)).toEqual([]);
	});

	it('accepts a semaphore, event, queue or future waiter whose every possible waker is stuck or done', () => {
		const w: Witness = {
			reason: 'quiescent-loop',
			cycle: null,
			tasks: [task('worker'), task('producer'), task('listener'), task('setter', { state: 'done', ended: 'returned', chain: [] })],
			resources: [
				resource('semaphore', 'slots', { state: { value: 0, initial: 2 } }),
				resource('event', 'ready', { state: { set: false } }),
				resource('queue', 'jobs', { state: { size: 1, maxsize: 1 } }),
			],
			edges: [
				waits('task:worker', 'semaphore:slots'),
				{ relation: 'can-wake', from: 'semaphore:slots', to: 'task:producer', op: 'release' },
				waits('task:producer', 'queue:jobs', 'put'),
				{ relation: 'can-wake', from: 'queue:jobs', to: 'task:worker', op: 'get' },
				waits('task:listener', 'event:ready', 'wait'),
				{ relation: 'can-wake', from: 'event:ready', to: 'task:setter', op: 'set' },
			],
		};
		expect(explainProof(w)).toEqual([]);
	});

	it('accepts a waiter nothing at all could wake (no can-wake edge: an Event no one will set)', () => {
		const w: Witness = { reason: 'quiescent-loop', cycle: null, tasks: [task('main')], resources: [resource('event', 'ready')], edges: [waits('task:main', 'event:ready', 'wait')] };
		expect(explainProof(w)).toEqual([]);
	});

	it('refuses a waiter that a running agent could still wake: that is no proof', () => {
		const w: Witness = {
			reason: 'threads-blocked',
			cycle: null,
			tasks: [task('consumer'), task('producer', { kind: 'thread', state: 'running' })],
			resources: [resource('queue', 'jobs', { waiters: ['task:consumer'] })],
			edges: [{ relation: 'can-wake', from: 'queue:jobs', to: 'task:producer', op: 'put' }],
		};
		expect(explainProof(w)).toEqual(['Task "consumer" waits on asyncio.queue "jobs" (queue:jobs), which Thread "producer" could still put (it is running)']);
	});

	it('refuses an unnamed resource, a waker or member the witness does not describe, and a cycle reason without a cycle', () => {
		const w: Witness = {
			reason: 'wait-cycle',
			cycle: null,
			tasks: [task('a')],
			resources: [resource('future', '')],
			edges: [waits('task:a', 'future:', 'result'), { relation: 'can-wake', from: 'future:', to: 'thread:ghost', op: 'complete' }],
		};
		const gaps = explainProof(w);
		expect(gaps.some((g) => /unnamed future/.test(g))).toBe(true);
		expect(gaps.some((g) => /names thread:ghost, which the witness does not describe/.test(g))).toBe(true);
		expect(gaps).toContain('the reason is a wait-for cycle, but the witness gives no cycle');
		expect(explainProof({ ...selfDeadlock([{ agent: 'task:caller', acquiredAt: [f('g', 'x.py', 2)] }]), cycle: ['task:caller', 'lock:other', 'task:caller'] })).toEqual([
			'the cycle names lock:other, which the witness does not describe',
		]);
	});

	it('refuses a witness with no waiter, and a missing witness', () => {
		expect(explainProof({ reason: 'quiescent-loop', cycle: null, tasks: [task('a', { state: 'running' })], resources: [], edges: [] })).toEqual([
			'the witness names no waiting task or thread: a reader cannot see what is stuck',
		]);
		expect(explainProof(null)[0]).toMatch(/sends no witness/);
	});

	it('tolerates tasks left out to keep the witness short', () => {
		const w: Witness = {
			...selfDeadlock([{ agent: 'task:caller', acquiredAt: [f('g', 'x.py', 2)] }]),
			omittedTasks: 97,
			edges: [waits('task:caller', 'lock:Store._lock'), waits('task:caller-42', 'lock:Store._lock')],
		};
		expect(explainProof(w)).toEqual([]);
	});
});
