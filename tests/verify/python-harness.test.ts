import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { KILL_GRACE_MS, runSnippet, UnrunnableError, type RunOptions, type RunResult } from '../../src/verify/run-snippet.ts';
import type { Frame, WaitEdge, Witness, WitnessResource, WitnessTask } from '../../src/verify/facts.ts';
import { formatWitness, summarize } from '../../src/verify/words.ts';
import { ROOT } from '../support/paths.ts';
import { gone } from '../support/processes.ts';

// The Python harness (src/verify/python/harness.py) on one small program per case, through
// runSnippet as `npm run check` uses it. Deadlocks are proven early: their bounds below are
// generous (other tests share the 2 cores), but far below the timeout they must beat.

const FIXTURES = join(ROOT, 'tests/fixtures/verify/python');
const PROOF_BOUND_MS = 2000;

function run(name: string, options: Partial<RunOptions> = {}): Promise<RunResult> {
	return runSnippet(join(FIXTURES, name), { timeoutMs: 10_000, detect: true, ...options });
}

function task(w: Witness | null, name: string): WitnessTask {
	const found = w?.tasks.find((t) => t.name === name);
	if (!found) throw new Error(`no task "${name}" in witness: ${JSON.stringify(w?.tasks.map((t) => t.name))}`);
	return found;
}

function resource(w: Witness | null, name: string): WitnessResource {
	const found = w?.resources.find((l) => l.name === name);
	if (!found) throw new Error(`no resource "${name}" in witness: ${JSON.stringify(w?.resources.map((l) => l.name))}`);
	return found;
}
const lock = resource;

/** The resource a task waits on, with the edge (op, at). */
function waitOf(w: Witness | null, taskId: string): { resource: WitnessResource; edge: WaitEdge } | undefined {
	const edge = w?.edges.find((e) => e.relation === 'waits' && e.from === taskId);
	const r = edge && w?.resources.find((x) => x.id === edge.to);
	return edge && r ? { resource: r, edge } : undefined;
}

/** The agent ids with a can-wake edge from a resource. */
function wakers(w: Witness | null, resourceId: string): string[] {
	return (w?.edges ?? []).filter((e) => e.relation === 'can-wake' && e.from === resourceId).map((e) => e.to);
}

/** A message for a failed expectation: the report, or the raw result when words cannot read it. */
function why(r: RunResult): string {
	try {
		return formatReport(r);
	} catch {
		return JSON.stringify(r, null, 1).slice(0, 4000);
	}
}

const at = (chain: Frame[]) => chain.map((f) => `${f.function} (${f.file}:${f.line})`);

function expectProof(r: RunResult, detectedBy: string | string[]): void {
	expect(r.outcome, why(r)).toBe('deadlock');
	expect([detectedBy].flat()).toContain(r.detectedBy);
	expect(r.elapsedMs).toBeLessThan(PROOF_BOUND_MS);
	expect(r.killedByRunner).toBe(false);
	expect(r.runtime.name).toBe('CPython');
}

/** The holding of `r` by `agentId` (throws when `r` is not held by it). */
function holding(r: WitnessResource, agentId: string) {
	const h = r.holders?.find((x) => x.agent === agentId);
	if (!h) throw new Error(`${r.name} is not held by ${agentId}: ${JSON.stringify(r.holders)}`);
	return h;
}

describe.concurrent('Python harness: proven deadlocks', () => {
	it('asyncio.Lock taken again by the task that holds it: a cycle of one, with who took it where', async () => {
		const r = await run('asyncio_self_deadlock.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		expect(w.reason).toBe('wait-cycle');
		const upserter = task(w, 'upserter');
		const cacheLock = lock(w, 'Cache._lock');
		expect(w.cycle).toEqual([upserter.id, cacheLock.id, upserter.id]);
		expect(upserter.state).toBe('waiting');
		expect(waitOf(w, upserter.id)).toMatchObject({ resource: { id: cacheLock.id }, edge: { op: 'acquire', at: { function: 'Cache.get', line: 11 } } });
		expect(at(upserter.chain).slice(0, 2)).toEqual(['Cache.upsert (asyncio_self_deadlock.py:16)', 'Cache.get (asyncio_self_deadlock.py:11)']);
		expect(upserter.chain.at(-1)).toMatchObject({ function: 'Lock.acquire', file: 'asyncio/locks.py' });
		expect(cacheLock).toMatchObject({ kind: 'lock', type: 'asyncio.Lock', createdAt: { function: 'Cache.__init__', file: 'asyncio_self_deadlock.py', line: 7 } });
		const h = holding(cacheLock, upserter.id);
		expect(h.acquiredAt.at(-1)).toEqual({ function: 'Cache.upsert', file: 'asyncio_self_deadlock.py', line: 15 });
		expect(h.leaked).toBeUndefined();
		expect(summarize(w)).toBe('Task `upserter` waits for Lock `Cache._lock`, which it already holds (acquired in `Cache.upsert` at asyncio_self_deadlock.py:15)');
	});

	it('two tasks taking two asyncio locks in opposite orders: the cycle names both and where each took its lock', async () => {
		const r = await run('asyncio_abba.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const [first, second] = [task(w, 'first'), task(w, 'second')];
		const [a, b] = [lock(w, 'LOCK_A'), lock(w, 'LOCK_B')];
		expect(w.cycle).toHaveLength(5);
		expect(w.cycle![0]).toBe(w.cycle![4]);
		expect(new Set(w.cycle)).toEqual(new Set([first.id, second.id, a.id, b.id]));
		expect(holding(a, first.id).acquiredAt.at(-1)).toEqual({ function: 'a_then_b', file: 'asyncio_abba.py', line: 9 });
		expect(holding(b, second.id).acquiredAt.at(-1)).toEqual({ function: 'b_then_a', file: 'asyncio_abba.py', line: 17 });
		expect(waitOf(w, first.id)?.resource.id).toBe(b.id);
		expect(waitOf(w, second.id)?.resource.id).toBe(a.id);
		// The inversion is also a potential deadlock by lock class, with both places.
		expect(r.potentialDeadlocks).toEqual([
			{
				locks: ['LOCK_A', 'LOCK_B'],
				orders: [
					{ task: 'first', holding: { lock: 'LOCK_A', at: 'asyncio_abba.py:9' }, took: { lock: 'LOCK_B', at: 'asyncio_abba.py:12' } },
					{ task: 'second', holding: { lock: 'LOCK_B', at: 'asyncio_abba.py:17' }, took: { lock: 'LOCK_A', at: 'asyncio_abba.py:20' } },
				],
			},
		]);
	});

	it('an Event never set: the event loop is quiescent with tasks still waiting', async () => {
		const r = await run('asyncio_event_never_set.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		expect(w.reason).toBe('quiescent-loop');
		const waiter = task(w, 'waiter');
		expect(at(waiter.chain)[0]).toBe('wait_for_ready (asyncio_event_never_set.py:6)');
		expect(waiter.chain.at(-1)).toMatchObject({ function: 'Event.wait', file: 'asyncio/locks.py' });
		expect(waitOf(w, waiter.id)).toMatchObject({ resource: { kind: 'event', name: 'ready', type: 'asyncio.Event', state: { set: false } }, edge: { op: 'wait' } });
		expect(wakers(w, waitOf(w, waiter.id)!.resource.id)).toEqual([]);
		const main = task(w, 'main');
		expect(waitOf(w, main.id)).toMatchObject({ resource: { kind: 'task', name: 'waiter' }, edge: { op: 'result' } });
		expect(summarize(w)).toContain('Task `waiter` waits for Event `ready` (not set), which nothing left to run will set');
	});

	it('a threading.Lock taken again on the same thread: a cycle of one thread', async () => {
		const r = await run('thread_lock_reacquire.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const main = task(w, 'MainThread');
		const accountLock = lock(w, 'Account._lock');
		expect(main.kind).toBe('thread');
		expect(w.cycle).toEqual([main.id, accountLock.id, main.id]);
		expect(accountLock).toMatchObject({ kind: 'lock', type: 'threading.Lock' });
		expect(holding(accountLock, main.id).acquiredAt.at(-1)).toEqual({ function: 'Account.withdraw', file: 'thread_lock_reacquire.py', line: 15 });
		expect(at(main.chain)).toEqual([
			'main (thread_lock_reacquire.py:22)',
			'Account.withdraw (thread_lock_reacquire.py:16)',
			'Account.balance (thread_lock_reacquire.py:11)',
		]);
	});

	it('a threading.Lock taken again on the event-loop thread: reported from the blocked thread, naming the task', async () => {
		const r = await run('thread_lock_in_task.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const main = task(w, 'MainThread');
		const registrar = task(w, 'registrar');
		expect(main).toMatchObject({ loopThread: true, runningTask: registrar.id });
		expect(holding(lock(w, 'REGISTRY_LOCK'), main.id).acquiredAt.at(-1)).toMatchObject({ function: 'register', line: 14 });
		expect(at(main.chain).slice(-2)).toEqual(['register (thread_lock_in_task.py:16)', 'lookup (thread_lock_in_task.py:9)']);
		expect(registrar.state).toBe('running');
	});

	it('a thread lock held across await: the loop thread blocks on a lock its own suspended coroutine holds', async () => {
		const r = await run('thread_lock_across_await.py');
		expectProof(r, ['cycle', 'watchdog']);
		const w = r.witness!;
		expect(w.reason).toBe('loop-thread-blocked');
		const main = task(w, 'MainThread');
		const [refresh, read] = [task(w, 'refresh'), task(w, 'read')];
		expect(main).toMatchObject({ loopThread: true, runningTask: read.id });
		const held = holding(lock(w, 'CACHE_LOCK'), main.id);
		expect(held).toMatchObject({ task: refresh.id });
		expect(held.acquiredAt.at(-1)).toMatchObject({ function: 'refresh', line: 10 });
		expect(summarize(w)).toContain('held by this same thread for Task `refresh` (acquired in `refresh` at thread_lock_across_await.py:10), which is suspended in `refresh` at thread_lock_across_await.py:12');
	});

	it('two threads taking two locks in opposite orders: the cycle names both threads', async () => {
		const r = await run('threads_abba.py');
		// At once from the second acquire, or from the watchdog when main() was not yet joining.
		expectProof(r, ['cycle', 'watchdog']);
		const w = r.witness!;
		const [transfer, audit] = [task(w, 'transfer'), task(w, 'audit')];
		const [accounts, ledger] = [lock(w, 'ACCOUNTS_LOCK'), lock(w, 'LEDGER_LOCK')];
		expect(new Set(w.cycle)).toEqual(new Set([transfer.id, audit.id, accounts.id, ledger.id]));
		holding(accounts, transfer.id);
		holding(ledger, audit.id);
		expect(waitOf(w, transfer.id)?.resource.id).toBe(ledger.id);
		expect(waitOf(w, audit.id)?.resource.id).toBe(accounts.id);
		expect(at(transfer.chain).at(-1)).toBe('transfer (threads_abba.py:11)');
		expect(waitOf(w, task(w, 'MainThread').id)?.resource.kind).toBe('thread');
	});

	it('a lock held by a thread that ended: the watchdog proves the waiter stuck and says the lock leaked', async () => {
		const r = await run('thread_dead_owner.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		expect(w.reason).toBe('threads-blocked');
		const loader = task(w, 'loader');
		expect(loader.state).toBe('done');
		expect(holding(lock(w, 'CONFIG_LOCK'), loader.id)).toEqual({
			agent: loader.id,
			acquiredAt: [{ function: 'load_config', file: 'thread_dead_owner.py', line: 8 }],
			leaked: 'owner-finished',
		});
		expect(at(task(w, 'MainThread').chain)).toEqual(['main (thread_dead_owner.py:15)']);
		expect(summarize(w)).toContain('held by Thread `loader`, which finished without releasing it (acquired in `load_config` at thread_dead_owner.py:8)');
	});

	it('an RLock held by a thread that ended, waited for by a thread with another ident: proven, and said to have leaked', async () => {
		const r = await run('thr_rlock_dead_owner.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const warmer = task(w, 'warmer');
		expect(warmer.state).toBe('done');
		expect(holding(lock(w, 'CACHE_LOCK'), warmer.id)).toEqual({
			agent: warmer.id,
			acquiredAt: [{ function: 'warm', file: 'thr_rlock_dead_owner.py', line: 11 }],
			leaked: 'owner-finished',
		});
		expect(waitOf(w, task(w, 'reader').id)?.resource.id).toBe(lock(w, 'CACHE_LOCK').id);
	});

	it('a task awaiting to_thread() whose worker waits for a lock of an ended thread: the loop is quiescent for good', async () => {
		const r = await run('to_thread_dead_owner.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const worker = w.tasks.find((t) => t.kind === 'thread' && t.state === 'waiting')!;
		expect(waitOf(w, worker.id)?.resource.id).toBe(lock(w, 'CACHE_LOCK').id);
		expect(at(worker.chain)).toEqual(['read_cache (to_thread_dead_owner.py:13)']);
		expect(task(w, 'warmer').state).toBe('done');
		const main = task(w, 'main');
		expect(at(main.chain)[0]).toBe('main (to_thread_dead_owner.py:21)');
		// main waits for the executor job's future; only the worker running it could complete it.
		const fut = waitOf(w, main.id)!.resource;
		expect(fut).toMatchObject({ kind: 'future', name: 'read_cache' });
		expect(wakers(w, fut.id)).toEqual([worker.id]);
		expect(holding(lock(w, 'CACHE_LOCK'), task(w, 'warmer').id).leaked).toBe('owner-finished');
	});

	it('keeps the witness bounded when hundreds of tasks queue behind the lock', async () => {
		const r = await run('many_waiters.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		expect(w.tasks.length).toBeLessThanOrEqual(51);
		expect(w.tasks.length + (w.omittedTasks ?? 0)).toBe(202); // 200 jobs, the flusher, main
		expect(w.cycle?.[0]).toBe(task(w, 'flusher').id);
		expect(formatWitness(w)).toMatch(/Also waiting for Lock `JOBS_LOCK`: \d+ more \(enqueue ×\d+\)\./);
	});
});

describe.concurrent('Python harness: every wait kind in the wait-for graph', () => {
	it('asyncio: a producer holding Store._lock awaits put() on a full queue whose only consumer waits for Store._lock', async () => {
		const r = await run('aio_queue_full_holding_lock.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const [producer, consumer] = [task(w, 'producer'), task(w, 'consumer')];
		const storeLock = lock(w, 'Store._lock');
		expect(waitOf(w, consumer.id)).toMatchObject({ resource: { id: storeLock.id }, edge: { op: 'acquire' } });
		expect(holding(storeLock, producer.id).acquiredAt.at(-1)).toMatchObject({ function: 'Store.produce', line: 14 });
		expect(waitOf(w, producer.id)).toMatchObject({
			resource: { kind: 'queue', name: 'Store.jobs', type: 'asyncio.Queue', state: { size: 1, maxsize: 1 } },
			edge: { op: 'put', at: { function: 'Store.produce', line: 16 } },
		});
		// The queue's consumers (tasks that have called get()) are who could make room.
		expect(wakers(w, lock(w, 'Store.jobs').id)).toEqual([consumer.id]);
		expect(summarize(w)).toContain(
			'Task `consumer` waits for Lock `Store._lock`, held by Task `producer` since aio_queue_full_holding_lock.py:14, which waits for room in Queue `Store.jobs` (full, maxsize 1); the only task that could take from it, `consumer`',
		);
	});

	it('asyncio: get() on an empty PriorityQueue whose only producer finished', async () => {
		const r = await run('aio_queue_get_empty.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const jobs = waitOf(w, task(w, 'consumer').id)!;
		expect(jobs).toMatchObject({ resource: { kind: 'queue', name: 'jobs', type: 'asyncio.PriorityQueue', state: { size: 0 } }, edge: { op: 'get' } });
		expect(wakers(w, jobs.resource.id)).toEqual([task(w, 'producer').id]);
		expect(task(w, 'producer')).toMatchObject({ state: 'done', ended: 'returned' });
	});

	it('asyncio: a Condition notified before the wait counts the lost notify', async () => {
		const r = await run('aio_condition_lost_notify.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		expect(waitOf(w, task(w, 'waiter').id)).toMatchObject({ resource: { kind: 'condition', name: 'ready', state: { lostNotifies: 1 } }, edge: { op: 'wait' } });
		expect(summarize(w)).toContain('1 notify came while no one waited and was lost');
	});

	it('asyncio: a BoundedSemaphore permit taken by a task that finished; main waits in a TaskGroup', async () => {
		const r = await run('aio_semaphore_leaked.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const polite = task(w, 'polite');
		expect(waitOf(w, polite.id)).toMatchObject({ resource: { kind: 'semaphore', name: 'slots', type: 'asyncio.BoundedSemaphore', state: { value: 0, initial: 1 } }, edge: { op: 'acquire' } });
		const group = waitOf(w, task(w, 'main').id)!;
		expect(group.resource).toMatchObject({ kind: 'task', type: 'asyncio.TaskGroup' });
		expect(wakers(w, group.resource.id)).toEqual([polite.id]);
	});

	it('asyncio: a lock whose holder finished without releasing it reads as leaked (owner-finished)', async () => {
		const r = await run('aio_lock_leaked.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const owner = task(w, 'caller-0');
		expect(owner).toMatchObject({ state: 'done', ended: 'returned' });
		expect(holding(lock(w, 'Pool.mutex'), owner.id)).toMatchObject({ leaked: 'owner-finished', acquiredAt: [{ function: 'Pool.take', line: 10 }] });
		expect(summarize(w)).toBe(
			'Task `caller-1` waits for Lock `Pool.mutex`, held by Task `caller-0`, which finished without releasing it (acquired in `Pool.take` at aio_lock_leaked.py:10); 2 tasks wait in all; nothing else can wake them (no ready callbacks, timers, I/O or busy threads)',
		);
	});

	it('asyncio: a lock whose acquiring frame returned without releasing it (frame-returned)', async () => {
		const r = await run('aio_lock_frame_returned.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const caller = task(w, 'caller');
		expect(w.cycle).toEqual([caller.id, lock(w, 'Pool.mutex').id, caller.id]);
		expect(holding(lock(w, 'Pool.mutex'), caller.id)).toMatchObject({ leaked: 'frame-returned' });
		expect(holding(lock(w, 'Pool.mutex'), caller.id).acquiredAt.at(-1)).toMatchObject({ function: 'Pool.take', line: 10 });
	});

	it('asyncio.wait() on a task awaiting a future nothing completes', async () => {
		const r = await run('aio_wait_future_never_set.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const fetcher = task(w, 'fetcher');
		expect(waitOf(w, fetcher.id)).toMatchObject({ resource: { kind: 'future', type: 'asyncio.Future', state: { done: false } }, edge: { op: 'result', at: { function: 'fetch', line: 6 } } });
		const waited = waitOf(w, task(w, 'main').id)!;
		expect(waited.resource).toMatchObject({ kind: 'task', type: 'asyncio.wait' });
		expect(wakers(w, waited.resource.id)).toEqual([fetcher.id]);
	});

	it('concurrent.futures.wait() on a job that waits for an Event: the job names the future, its worker can complete it', async () => {
		const r = await run('thr_futures_wait_stuck_job.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const worker = task(w, 'jobs_0');
		const fut = waitOf(w, task(w, 'MainThread').id)!.resource;
		expect(fut).toMatchObject({ kind: 'future', name: 'job', type: 'concurrent.futures.wait' });
		expect(wakers(w, fut.id)).toEqual([worker.id]);
		expect(waitOf(w, worker.id)?.resource).toMatchObject({ kind: 'event', name: 'go' });
	});

	it('a thread blocked in Future.result() on its own event loop: loop-thread-blocked', async () => {
		const r = await run('thr_future_on_loop_thread.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		expect(w.reason).toBe('loop-thread-blocked');
		const main = task(w, 'MainThread');
		expect(main).toMatchObject({ loopThread: true, runningTask: task(w, 'handler').id, state: 'waiting' });
		const fut = waitOf(w, main.id)!;
		expect(fut).toMatchObject({ resource: { kind: 'future', name: 'fetch', type: 'concurrent.futures.Future' }, edge: { op: 'result', at: { function: 'handler', line: 12 } } });
		expect(summarize(w)).toBe('Thread `MainThread` is blocked in `Future.result()` on the event-loop thread; only that loop can complete the future `fetch`');
	});

	it('two jobs in a one-worker executor, the first waiting for the second: the executor has no free worker', async () => {
		const r = await run('thr_executor_one_worker.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		expect(w.reason).toBe('threads-blocked');
		const worker = task(w, 'worker_0');
		const first = waitOf(w, task(w, 'MainThread').id)!;
		expect(first.resource).toMatchObject({ kind: 'future', name: 'handle' });
		expect(wakers(w, first.resource.id)).toEqual([worker.id]);
		const pool = waitOf(w, worker.id)!;
		expect(pool).toMatchObject({ resource: { kind: 'executor', name: 'pool', state: { workers: 1, busy: 1 } }, edge: { op: 'result', at: { function: 'handle', line: 13 } } });
		expect(wakers(w, pool.resource.id)).toEqual([worker.id]);
	});

	it('threads: an Event nothing left can set, with main() joining the waiter', async () => {
		const r = await run('thr_event_never_set.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const worker = task(w, 'worker');
		expect(waitOf(w, worker.id)).toMatchObject({ resource: { kind: 'event', name: 'ready', type: 'threading.Event', state: { set: false } }, edge: { op: 'wait', at: { function: 'worker', line: 8 } } });
		const join = waitOf(w, task(w, 'MainThread').id)!;
		expect(join).toMatchObject({ resource: { kind: 'thread', name: 'worker' }, edge: { op: 'join' } });
		expect(wakers(w, join.resource.id)).toEqual([worker.id]);
		expect(summarize(w)).toContain('Thread `worker` waits for Event `ready` (not set), which nothing left to run will set');
	});

	it('threads: a Condition notified before the wait', async () => {
		const r = await run('thr_condition_lost_notify.py');
		expectProof(r, 'watchdog');
		expect(waitOf(r.witness, task(r.witness, 'MainThread').id)).toMatchObject({ resource: { kind: 'condition', name: 'cond', state: { lostNotifies: 1 } } });
	});

	it('threads: a producer holding Store._lock blocks in put() on a full queue.Queue; the consumer waits for the lock', async () => {
		const r = await run('thr_queue_full_holding_lock.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const [producer, consumer] = [task(w, 'producer'), task(w, 'consumer')];
		expect(waitOf(w, consumer.id)?.resource.id).toBe(lock(w, 'Store._lock').id);
		holding(lock(w, 'Store._lock'), producer.id);
		expect(waitOf(w, producer.id)).toMatchObject({ resource: { kind: 'queue', name: 'Store.jobs', type: 'queue.Queue', state: { size: 1, maxsize: 1 } }, edge: { op: 'put' } });
	});

	it('threads: a Barrier that too few parties reach', async () => {
		const r = await run('thr_barrier_short.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const gate = waitOf(w, task(w, 'arriver').id)!.resource;
		expect(gate).toMatchObject({ kind: 'barrier', name: 'gate', state: { parties: 3 } });
		expect(new Set(gate.waiters)).toEqual(new Set([task(w, 'arriver').id, task(w, 'MainThread').id]));
	});

	it("threads: a Barrier's action runs under the Barrier's own lock, which a late thread waits for; a lock taken by `with cond:` is not read as leaked", async () => {
		const r = await run('thr_barrier_action_stuck.py');
		// The cycle check proves it when `late` already waits as the action blocks, else the watchdog.
		expectProof(r, ['cycle', 'watchdog']);
		const w = r.witness!;
		const late = task(w, 'late');
		const gateLock = w.resources.find((res) => res.kind === 'lock' && res.name === 'gate')!;
		expect(gateLock.waiters).toEqual([late.id]);
		expect(gateLock.holders).toHaveLength(1);
		// Taken in Condition.__enter__, which returns at once: the holder's own code still runs `with`.
		expect(gateLock.holders[0].leaked).toBeUndefined();
	});

	it('threads: a lock held inside a @contextmanager generator suspended at its yield is not read as leaked; its chain runs through the `with` that holds it', async () => {
		const r = await run('thr_lock_in_contextmanager.py');
		expectProof(r, ['cycle', 'watchdog']);
		const w = r.witness!;
		const held = holding(lock(w, 'a_lock'), task(w, 'first').id);
		expect(held.leaked).toBeUndefined();
		expect(held.acquiredAt.map((f) => f.function)).toEqual(['first', '_GeneratorContextManager.__enter__', 'holding']);
		expect(held.acquiredAt[0]).toMatchObject({ file: 'thr_lock_in_contextmanager.py', line: 20 });
		expect(held.acquiredAt.at(-1)).toMatchObject({ file: 'thr_lock_in_contextmanager.py', line: 15 });
		expect(holding(lock(w, 'b_lock'), task(w, 'second').id).leaked).toBeUndefined();
	});

	it('threads: a program that traces itself (as coverage does): frames with its tracer are not marked, and the chain reads out to one that can be', async () => {
		const r = await run('thread_lock_under_tracer.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const held = holding(lock(w, 'Account._lock'), task(w, 'MainThread').id);
		expect(at(held.acquiredAt)).toEqual(['main (thread_lock_under_tracer.py:37)', 'Account.withdraw (thread_lock_under_tracer.py:29)']);
		expect(held.leaked).toBeUndefined();
	});

	it('threads: a lock whose acquiring frame returned without releasing it (frame-returned)', async () => {
		const r = await run('thr_lock_frame_returned.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const held = holding(lock(w, 'Pool.mutex'), task(w, 'MainThread').id);
		expect(held).toMatchObject({ leaked: 'frame-returned', acquiredAt: [{ function: 'Pool.take', file: 'thr_lock_frame_returned.py', line: 10 }] });
	});

	it('threads: a Semaphore permit taken by a thread that ended', async () => {
		const r = await run('thr_semaphore_leaked.py');
		expectProof(r, 'watchdog');
		expect(waitOf(r.witness, task(r.witness, 'MainThread').id)).toMatchObject({ resource: { kind: 'semaphore', name: 'permits', state: { value: 0, initial: 1 } }, edge: { op: 'acquire' } });
	});
});

describe.concurrent('Python harness: lock order (lockdep-style potential deadlocks)', () => {
	it('a run that completes but took two lock classes in both orders reports the inversion with both places', async () => {
		const r = await run('lockorder_inversion.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([
			{
				locks: ['Index.lock', 'registry_lock'],
				orders: [
					{ task: 'reindex', holding: { lock: 'Index.lock', at: 'lockorder_inversion.py:20' }, took: { lock: 'registry_lock', at: 'lockorder_inversion.py:21' } },
					{ task: 'register', holding: { lock: 'registry_lock', at: 'lockorder_inversion.py:14' }, took: { lock: 'Index.lock', at: 'lockorder_inversion.py:15' } },
				],
			},
		]);
		expect(why(r)).toContain('Potential deadlock (lock-order inversion): `Index.lock` and `registry_lock` are taken in both orders');
	});

	it('one consistent order, RLock re-entry and locks used one after the other report nothing', async () => {
		const r = await run('lockorder_consistent.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([]);
		// The CPU time main() used, which bench/overhead.ts reads beside the wall time.
		expect(r.cpuMs).toBeGreaterThan(0);
	});
});

describe.concurrent('Python harness: no invented deadlocks', () => {
	it('a lock wait behind a pending wait_for timer is no quiescence: the timer fires and main() raises TimeoutError', async () => {
		const r = await run('asyncio_wait_for_behind_lock.py');
		expect(r.outcome, why(r)).toBe('raised');
		expect(r.error?.type).toBe('TimeoutError');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(900);
		expect(r.elapsedMs).toBeLessThan(8000);
	});

	it('the same, with a timeout shorter than the timer: ends in timeout, not in a proof', async () => {
		const r = await run('asyncio_wait_for_behind_lock.py', { timeoutMs: 500 });
		expect(r.outcome, why(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(500);
		expect(task(r.witness, 'holder').chain.map((f) => f.function)).toContain('wait_for');
	});

	it('a task waiting under wait_for for a lock it holds is cancelled by the timer, not reported as a cycle', async () => {
		const r = await run('asyncio_wait_for_self_acquire.py');
		expect(r.outcome, why(r)).toBe('raised');
		expect(r.error?.type).toBe('TimeoutError');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(450);
	});

	it('an RLock re-entered by its owner (also through a Condition) completes', async () => {
		const r = await run('rlock_reentry.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.returned).toEqual({ bolt: 5 });
	});

	it('a threading.Lock released by a thread that does not own it (a hand-off) completes', async () => {
		const r = await run('non_owner_release.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.returned).toBe(0 + 1 + 4 + 9 + 16);
	});

	const deadlocks = [
		'asyncio_self_deadlock.py',
		'asyncio_abba.py',
		'asyncio_event_never_set.py',
		'thread_lock_reacquire.py',
		'thread_lock_in_task.py',
		'thread_lock_across_await.py',
		'threads_abba.py',
		'thread_dead_owner.py',
		'to_thread_dead_owner.py',
		'many_waiters.py',
		'aio_queue_full_holding_lock.py',
		'aio_queue_get_empty.py',
		'aio_condition_lost_notify.py',
		'aio_semaphore_leaked.py',
		'aio_lock_leaked.py',
		'aio_lock_frame_returned.py',
		'thr_future_on_loop_thread.py',
		'thr_executor_one_worker.py',
		'thr_event_never_set.py',
		'thr_condition_lost_notify.py',
		'thr_queue_full_holding_lock.py',
		'thr_barrier_short.py',
		'thr_barrier_action_stuck.py',
		'thr_semaphore_leaked.py',
		'thr_lock_in_contextmanager.py',
		'thr_lock_frame_returned.py',
		'thread_lock_under_tracer.py',
		'aio_wait_future_never_set.py',
		'thr_futures_wait_stuck_job.py',
		'thr_rlock_dead_owner.py',
	];
	// Close to stuck, but each makes progress: a false deadlock here is the worst outcome.
	const notStuck: Array<[string, unknown]> = [
		['aio_queue_brief_lock.py', 190],
		['aio_slow_consumer.py', 'drained'],
		['aio_condition_notify_after_wait.py', 'woken'],
		['aio_event_set_by_timer.py', 'set'],
		['thr_future_from_other_thread.py', 42],
		['thr_executor_independent.py', 285],
		['thr_event_set_by_timer.py', 'set'],
		['thr_condition_notify_after_wait.py', 'woken'],
		['thr_queue_slow_consumer.py', 45],
		['thr_barrier_full.py', 'through'],
		['aio_future_set_from_thread.py', 'answered'],
		['aio_job_callback_before_wake.py', 'woken'],
		['native_timer_thread.py', 'fired'],
		['native_timer_sets_thread_event.py', 'set'],
		['c_signal_handler.py', 'signalled'],
		['c_signal_handler_sets_thread_event.py', 'set'],
		['thread_lock_traced.py', { balance: 4, tracedDeposit: true }],
	];
	it.each(notStuck)('%s completes (no deadlock claimed)', async (name, returned) => {
		const r = await run(name);
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.returned).toEqual(returned);
		expect(r.potentialDeadlocks).toEqual([]);
	});

	it.each(deadlocks)('with detection off, %s ends in timeout', async (name) => {
		const timeoutMs = 1200;
		const r = await run(name, { timeoutMs, detect: false });
		expect(r.outcome, why(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
		expect(r.elapsedMs).toBeLessThan(timeoutMs + KILL_GRACE_MS);
		expect(r.killedByRunner).toBe(false);
		expect(r.witness).toMatchObject({ reason: 'timeout', timeoutMs });
	});
});

describe.concurrent('Python harness: completed, raised, unrunnable', () => {
	it('a sync main() completes with what it returned, elapsed from main() on', async () => {
		const r = await run('sync_main.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.returned).toEqual({ sum: 45, ok: true });
		expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
		expect(r.elapsedMs).toBeLessThan(1000);
		const version = execFileSync('python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
		expect(r.runtime).toEqual({ name: 'CPython', version });
	});

	it('runs with the GIL on (PYTHON_GIL=1), which a free-threaded python3 would otherwise run without', async () => {
		const r = await run('gil_setting.py');
		expect(r.outcome, why(r)).toBe('completed');
		expect(r.returned).toEqual({ PYTHON_GIL: '1', gil: true });
	});

	it('a Python whose GIL is off: unrunnable with detection on (its proofs rest on the GIL), saying how to run it', () => {
		// A free-threaded build with the GIL off, as far as the harness can tell: sys._is_gil_enabled() is False.
		const harness = join(ROOT, 'src/verify/python/harness.py');
		const boot = 'import runpy, sys; sys._is_gil_enabled = lambda: False; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")';
		const report = (...flags: string[]) => {
			const out = execFileSync('python3', ['-c', boot, harness, '--report-fd', '1', '--timeout-ms', '2000', ...flags, join(FIXTURES, 'sync_main.py')], { encoding: 'utf8' });
			return out.trim().split('\n').map((line) => JSON.parse(line));
		};
		const on = report();
		expect(on.map((m) => m.type)).toEqual(['hello', 'unrunnable']);
		expect(on[1].message).toMatch(/the GIL is off .* Run it with PYTHON_GIL=1/);
		// The timeout alone needs no GIL: with detection off it runs.
		expect(report('--no-detect').at(-1)).toMatchObject({ type: 'verdict', outcome: 'completed' });
	});

	it('main() raising: the exception type, message and a traceback that starts in the snippet', async () => {
		const r = await run('raises.py');
		expect(r.outcome, why(r)).toBe('raised');
		expect(r.error?.type).toBe('InvariantBroken');
		expect(r.error?.message).toBe('total is 7, expected 10');
		expect(r.error?.text).toMatch(/^Traceback \(most recent call last\):\n {2}File ".*raises\.py", line 14, in main\n/);
		expect(r.error?.text).toContain('raises.py", line 10, in check');
		expect(r.error?.text).toContain('InvariantBroken: total is 7, expected 10');
		expect(r.error?.text).not.toMatch(/trapcheck|harness\.py|base_events\.py/);
	});

	it('no main(): UnrunnableError saying what to add', async () => {
		await expect(run('no_main.py')).rejects.toThrow(UnrunnableError);
		await expect(run('no_main.py')).rejects.toThrow(/no_main\.py: it defines no main\(\)\. Add `def main\(\)` or `async def main\(\)`/);
	});

	it('a syntax error: UnrunnableError with the file, line and offending code', async () => {
		await expect(run('syntax_error.py')).rejects.toThrow(UnrunnableError);
		await expect(run('syntax_error.py')).rejects.toThrow(/syntax error at syntax_error\.py:4: .*\n {4}def main\(:/);
	});
});

describe.concurrent('Python harness: runs that never finish end within timeout + 1 s', () => {
	const timeoutMs = 1500;

	async function timedOut(name: string): Promise<RunResult> {
		const t0 = performance.now();
		const r = await run(name, { timeoutMs });
		const wall = performance.now() - t0;
		expect(r.outcome, why(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.killedByRunner, 'the harness reported before the runner had to kill it').toBe(false);
		expect(r.elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
		expect(r.elapsedMs).toBeLessThan(timeoutMs + KILL_GRACE_MS);
		// Start-up and loading come on top of main()'s time; the whole run stays bounded too.
		expect(wall).toBeLessThan(timeoutMs + KILL_GRACE_MS + 10_000);
		return r;
	}

	it('a busy spin', async () => {
		const r = await timedOut('busy_spin.py');
		const main = task(r.witness, 'MainThread');
		expect(main.state).toBe('running');
		expect(at(main.chain)).toEqual(['main (busy_spin.py:6)']);
	});

	it('an endless printer, with bounded output', async () => {
		const r = await timedOut('endless_printer.py');
		expect(r.stdout.startsWith('line 0: ')).toBe(true);
		expect(r.truncated.stdout).toBe(true);
		expect(r.stdout.length).toBeLessThan(40 * 1024);
	});

	it('a thread blocked in C (time.sleep)', async () => {
		const r = await timedOut('sleep_in_c.py');
		expect(task(r.witness, 'MainThread').state).toBe('blocked');
	});

	it('a task stuck for good while a thread made in C lives (no proof: it could call into Python)', async () => {
		const r = await timedOut('native_timer_thread_stuck.py');
		expect(task(r.witness, 'main').state).toBe('waiting');
	});

	it('a task stuck for good while a signal handler installed in C could call into Python (no proof)', async () => {
		const r = await timedOut('c_signal_handler_stuck.py');
		expect(task(r.witness, 'main').state).toBe('waiting');
	});

	it('a child process that sleeps: no process is left afterwards', async () => {
		const r = await timedOut('child_process.py');
		const pid = Number(/child pid (\d+)/.exec(r.stdout)?.[1]);
		expect(pid).toBeGreaterThan(0);
		expect(await gone(pid), `process ${pid} still alive`).toBe(true);
	});
});

afterAll(() => {
	expect(liveRunProcesses(), 'snippet processes left running after all runs').toEqual([]);
});
