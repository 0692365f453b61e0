// The Node.js harness end to end: each fixture in tests/fixtures/verify/typescript runs through
// runSnippet exactly as a snippet of the catalog does, and the test checks the facts a reader is
// shown (protocol v2: src/verify/facts.ts; the words come from src/verify/words.ts).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame, Witness, WitnessResource, WitnessTask } from '../../src/verify/facts.ts';
import { explainProof } from '../../src/verify/proof-check.ts';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { KILL_GRACE_MS, runSnippet, UnrunnableError, type RunResult } from '../../src/verify/run-snippet.ts';
import { summarize } from '../../src/verify/words.ts';
import { ROOT } from '../support/paths.ts';
import { gone } from '../support/processes.ts';

const FIXTURES = join(ROOT, 'tests/fixtures/verify/typescript');
const fixture = (name: string) => join(FIXTURES, `${name}.ts`);

/** Deadlocks are proven long before this; it only bounds a run that goes wrong. */
const GENEROUS_MS = 10_000;

const run = (name: string, timeoutMs = GENEROUS_MS, detect = true) => runSnippet(fixture(name), { timeoutMs, detect });
const at = (f: Frame) => `${f.function} (${f.file}:${f.line})`;
const chainOf = (t: WitnessTask | undefined) => (t?.chain ?? []).map(at);
/** The run as the failure message of an assertion: verdict, facts and output. */
const show = (r: RunResult) => JSON.stringify({ outcome: r.outcome, detectedBy: r.detectedBy, elapsedMs: r.elapsedMs, witness: r.witness, error: r.error, potentialDeadlocks: r.potentialDeadlocks, stderr: r.stderr }, null, 1);
const facts = (r: RunResult) => r.witness as unknown as Witness;
const taskIn = (w: Witness, id: string) => w.tasks.find((t) => t.id === id);
const resourceIn = (w: Witness, id: string) => w.resources.find((x) => x.id === id);
const waitsOf = (w: Witness, task: string) => w.edges.find((e) => e.relation === 'waits' && e.from === task);
const holderOf = (x: WitnessResource | undefined) => x?.holders?.[0];

function expectDeadlock(r: RunResult, detectedBy: 'cycle' | 'quiescence'): Witness {
	expect(r.outcome, show(r)).toBe('deadlock');
	expect(r.detectedBy, show(r)).toBe(detectedBy);
	expect(r.elapsedMs).toBeLessThan(r.timeoutMs);
	expect(r.killedByRunner).toBe(false);
	expect(r.potentialDeadlocks).toEqual([]);
	const w = facts(r);
	expect(w.reason).toBe(detectedBy === 'cycle' ? 'wait-cycle' : 'quiescent-loop');
	return w;
}

describe.concurrent('deadlocks proven by a wait-for cycle', () => {
	it('nested runExclusive awaited by the holder: cycle on Store.lock, with the whole await chain', async () => {
		const r = await run('nested-run-exclusive');
		const w = expectDeadlock(r, 'cycle');
		const [task] = w.tasks;
		const lock = w.resources[0];
		expect(w.cycle).toEqual([task.id, lock.id, task.id]);
		expect(task).toMatchObject({ kind: 'async-context', name: 'Store.rebuild', state: 'waiting' });
		expect(chainOf(task)).toEqual([
			'main (nested-run-exclusive.ts:26)',
			'Store.rebuild (nested-run-exclusive.ts:18)',
			'Store.setHash (nested-run-exclusive.ts:9)',
			expect.stringMatching(/^Mutex\.runExclusive \(async-mutex\/index\.mjs:\d+\)$/),
		]);
		expect(lock).toMatchObject({ kind: 'lock', name: 'Store.lock', type: 'Mutex', waiters: [task.id] });
		expect(lock.createdAt).toEqual({ function: 'new Store', file: 'nested-run-exclusive.ts', line: 5 });
		expect(lock.holders).toHaveLength(1);
		expect(holderOf(lock)!.agent).toBe(task.id);
		expect(holderOf(lock)!.leaked).toBeUndefined();
		expect(holderOf(lock)!.acquiredAt.map(at)).toEqual(['main (nested-run-exclusive.ts:26)', 'Store.rebuild (nested-run-exclusive.ts:15)']);
		expect(w.edges).toEqual(
			expect.arrayContaining([
				{ relation: 'waits', from: task.id, to: lock.id, op: 'acquire', at: { function: 'Store.setHash', file: 'nested-run-exclusive.ts', line: 9 } },
				{ relation: 'held-by', from: lock.id, to: task.id, op: 'release', at: { function: 'Store.rebuild', file: 'nested-run-exclusive.ts', line: 15 } },
			]),
		);
		expect(JSON.stringify(w)).not.toMatch(/summary|waits for|held by/);
		expect(summarize(w)).toBe('Section `Store.rebuild` waits for Mutex `Store.lock`, which it already holds (acquired in `Store.rebuild` at nested-run-exclusive.ts:15)');
	});

	it('two mutexes taken in opposite orders by two concurrent tasks (ABBA), forced by promises', async () => {
		const r = await run('abba');
		const w = expectDeadlock(r, 'cycle');
		expect(w.cycle).toHaveLength(5);
		const [t1, l1, t2, l2, back] = w.cycle!;
		expect(back).toBe(t1);
		expect(t1).not.toBe(t2);
		expect(l1).not.toBe(l2);
		expect(taskIn(w, t1)).toMatchObject({ name: 'transfer #1', state: 'waiting' });
		expect(taskIn(w, t2)).toMatchObject({ name: 'transfer #2', state: 'waiting' });
		expect(waitsOf(w, t1)).toMatchObject({ to: l1, op: 'acquire' });
		expect(waitsOf(w, t2)).toMatchObject({ to: l2, op: 'acquire' });
		expect(holderOf(resourceIn(w, l1))!.agent).toBe(t2);
		expect(holderOf(resourceIn(w, l2))!.agent).toBe(t1);
		expect([resourceIn(w, l1)!.name, resourceIn(w, l2)!.name].sort()).toEqual(['Account.lock #1', 'Account.lock #2']);
		for (const l of [l1, l2]) expect(at(holderOf(resourceIn(w, l))!.acquiredAt.at(-1)!)).toBe('transfer (abba.ts:22)');
		expect(chainOf(taskIn(w, t1))).toEqual(['main (abba.ts:38)', 'transfer (abba.ts:25)', expect.stringMatching(/^Mutex\.runExclusive /)]);
	});

	it('a nested call returned without await (async and plain functions in between) is still awaited: cycle', async () => {
		const w = expectDeadlock(await run('return-without-await'), 'cycle');
		expect(w.cycle).toHaveLength(3);
		expect(w.tasks[0].name).toBe('Store.rebuild');
		expect(at(holderOf(w.resources[0])!.acquiredAt.at(-1)!)).toBe('Store.rebuild (return-without-await.ts:17)');
	});

	it('the holder awaits the nested call only after a few turns of the event loop: still found', async () => {
		const w = expectDeadlock(await run('late-await'), 'cycle');
		expect(w.resources[0].name).toBe('lock');
		expect(at(holderOf(w.resources[0])!.acquiredAt.at(-1)!)).toBe('rebuild (late-await.ts:12)');
		expect(chainOf(w.tasks[0])).toContain('rebuild (late-await.ts:15)');
	});

	it('awaited through Promise.allSettled (which waits for every member): cycle', async () => {
		const w = expectDeadlock(await run('all-settled'), 'cycle');
		expect(chainOf(w.tasks[0]).slice(0, 3)).toEqual(['main (all-settled.ts:22)', 'Store.rebuild (all-settled.ts:16)', 'Store.setHash (all-settled.ts:9)']);
	});

	it('waitForUnlock() on the lock the section holds: cycle, a `wait` edge, chain ending in Mutex.waitForUnlock', async () => {
		const w = expectDeadlock(await run('wait-for-unlock'), 'cycle');
		expect(w.resources[0]).toMatchObject({ name: 'Queue.lock', kind: 'lock' });
		expect(waitsOf(w, w.tasks[0].id)).toMatchObject({ to: w.resources[0].id, op: 'wait', at: { function: 'Queue.drain', line: 12 } });
		expect(chainOf(w.tasks[0]).at(-1)).toMatch(/^Mutex\.waitForUnlock \(async-mutex\/index\.mjs:\d+\)$/);
	});

	it('async-mutex loaded with require() (its CommonJS build) is patched too', async () => {
		const w = expectDeadlock(await run('commonjs-require'), 'cycle');
		expect(w.resources[0].name).toBe('Store.lock');
		expect(chainOf(w.tasks[0]).at(-1)).toMatch(/^Mutex\.runExclusive \(async-mutex\/lib\/Mutex\.js:\d+\)$/);
	});

	it('the seed trap with 120 concurrent callers on node:sqlite (main awaits them through Promise.all, so the cycle is reported at quiescence): the cycle leads, the queue follows', async () => {
		const w = expectDeadlock(await run('workload-deadlock'), 'cycle');
		expect(chainOf(w.tasks[0])).toEqual([
			'main (workload-deadlock.ts:37)',
			'runWorkload (lib/workload.ts:17)',
			'Store.rebuild (workload-deadlock.ts:26)',
			'Store.setHash (workload-deadlock.ts:16)',
			expect.stringMatching(/^Mutex\.runExclusive /),
		]);
		expect(w.tasks.length).toBeLessThanOrEqual(50);
		expect(w.tasks.length + (w.omittedTasks ?? 0)).toBeGreaterThan(100);
		expect(w.tasks[1]).toMatchObject({ name: 'Store.setHash', state: 'waiting' });
		expect(waitsOf(w, w.tasks[1].id)).toMatchObject({ to: w.resources[0].id, op: 'acquire' });
		// Probed where it waits now: runWorkload awaits Promise.all over the callers at line 19.
		expect(chainOf(w.tasks[1]).slice(0, 3)).toEqual(['main (workload-deadlock.ts:37)', 'runWorkload (lib/workload.ts:19)', 'Store.setHash (workload-deadlock.ts:16)']);
	});

	it('a deadlock while a child process runs: not claimed (its exit could run code that releases the lock), timeout, and no process is left behind', async () => {
		const r = await run('child-process', 1500);
		expect(r.outcome, show(r)).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
		const pid = Number(/child pid (\d+)/.exec(r.stdout)?.[1]);
		expect(pid).toBeGreaterThan(0);
		expect(await gone(pid), `child ${pid} still running`).toBe(true);
	});

	it('every permit of a Semaphore held by a section that waits for the pool: cycle through both holders, within 1 s', async () => {
		const r = await run('semaphore-permits-stuck');
		const w = expectDeadlock(r, 'cycle');
		expect(r.elapsedMs).toBeLessThan(1000);
		const pool = w.resources.find((x) => x.kind === 'semaphore')!;
		expect(pool).toMatchObject({ name: 'Pool.connections', type: 'Semaphore', state: { value: 0, initial: 2 } });
		expect(pool.createdAt).toEqual({ function: 'new Pool', file: 'semaphore-permits-stuck.ts', line: 8 });
		const [t1, , t2, , back] = w.cycle!;
		expect(w.cycle).toEqual([t1, pool.id, t2, pool.id, t1]);
		expect(back).toBe(t1);
		expect(pool.holders!.map((h) => h.agent).sort()).toEqual([t1, t2].sort());
		for (const h of pool.holders!) expect(h).toMatchObject({ count: 1 });
		expect(at(pool.holders![0].acquiredAt.at(-1)!)).toBe('Pool.withConnection (semaphore-permits-stuck.ts:11)');
		expect(pool.waiters.sort()).toEqual([t1, t2].sort());
		expect(chainOf(taskIn(w, t1)).at(-1)).toMatch(/^Semaphore\.runExclusive \(async-mutex\/index\.mjs:\d+\)$/);
		expect(summarize(w)).toMatch(/^Section `Pool\.withConnection #1` waits for a permit of Semaphore `Pool\.connections` \(0 of 2 free\)/);
		expect(summarize(w)).toContain('held by Section `Pool.withConnection #2` since semaphore-permits-stuck.ts:11');
	});

	it('a section holding one of two permits asks for two: its own permit must come back first, cycle', async () => {
		const r = await run('semaphore-weighted-stuck');
		const w = expectDeadlock(r, 'cycle');
		expect(r.elapsedMs).toBeLessThan(1000);
		expect(w.cycle).toEqual([w.tasks[0].id, w.resources[0].id, w.tasks[0].id]);
		expect(w.resources[0]).toMatchObject({ name: 'budget', kind: 'semaphore', state: { value: 1, initial: 2 } });
	});
	it('nested acquire()/release(): the holder awaits a request for its own lock, cycle (the holder is recognised by its await chain)', async () => {
		const w = expectDeadlock(await run('nested-acquire'), 'cycle');
		const holder = w.tasks[0];
		const lock = w.resources[0];
		expect(w.cycle).toEqual([holder.id, lock.id, holder.id]);
		expect(holder).toMatchObject({ name: 'Store.rebuild', state: 'waiting' });
		expect(chainOf(holder)).toEqual([
			'main (nested-acquire.ts:28)',
			'Store.rebuild (nested-acquire.ts:20)',
			'Store.setHash (nested-acquire.ts:9)',
			expect.stringMatching(/^Mutex\.acquire \(async-mutex\/index\.mjs:\d+\)$/),
		]);
		const holding = holderOf(lock)!;
		expect(holding.agent).toBe(holder.id);
		expect(holding.leaked).toBeUndefined();
		expect(at(holding.acquiredAt.at(-1)!)).toBe('Store.rebuild (nested-acquire.ts:18)');
		expect(summarize(w)).toBe('Section `Store.rebuild` waits for Mutex `Store.lock`, which it already holds (acquired in `Store.rebuild` at nested-acquire.ts:18)');
	});

	it('main() itself holding an acquire() lock that a helper it awaits asks for: cycle', async () => {
		const r = await run('main-holds-acquire');
		const w = expectDeadlock(r, 'cycle');
		expect(r.elapsedMs).toBeLessThan(1000);
		expect(w.tasks[0]).toMatchObject({ name: 'main', state: 'waiting' });
		expect(w.cycle).toEqual([w.tasks[0].id, w.resources[0].id, w.tasks[0].id]);
		expect(at(holderOf(w.resources[0])!.acquiredAt.at(-1)!)).toBe('main (main-holds-acquire.ts:14)');
	});

	it('the same nested acquire() while a setInterval keeps running: not claimed (the interval could release the lock), timeout, with the holder and its lock', async () => {
		const r = await run('stuck-with-interval', 1500);
		expect(r.outcome, show(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
		const w = facts(r);
		expect(w.reason).toBe('timeout');
		const lock = w.resources.find((x) => x.name === 'cacheLock')!;
		expect(lock).toMatchObject({ createdAt: { file: 'stuck-with-interval.ts', line: 5 } });
		expect(at(holderOf(lock)!.acquiredAt.at(-1)!)).toBe('refresh (stuck-with-interval.ts:9)');
		expect(lock.waiters).toHaveLength(1);
	});
});

describe.concurrent('deadlocks proven by quiescence', () => {
	it('awaiting a promise that never settles, no lock involved: main waits on a future nothing can settle', async () => {
		const w = expectDeadlock(await run('never-settles'), 'quiescence');
		expect(w.tasks).toEqual([{ id: 'ctx:0', kind: 'async-context', name: 'main', state: 'blocked', chain: [{ function: 'main', file: 'never-settles.ts', line: 6 }] }]);
		expect(w.resources).toEqual([{ id: 'future:ctx:0', kind: 'future', name: 'Promise', type: 'Promise', waiters: ['ctx:0'], state: { done: false } }]);
		expect(w.edges).toEqual([{ relation: 'waits', from: 'ctx:0', to: 'future:ctx:0', op: 'result' }]);
	});

	it('a section awaiting a promise only a section blocked on its lock would settle: the holder waits on a future, the settler on the lock', async () => {
		const w = expectDeadlock(await run('promise-only-blocked-settles'), 'quiescence');
		const lock = w.resources.find((x) => x.kind === 'lock')!;
		expect(lock.name).toBe('Store.lock');
		const reader = taskIn(w, holderOf(lock)!.agent)!;
		expect(reader).toMatchObject({ name: 'Store.read', state: 'blocked' });
		const future = w.resources.find((x) => x.kind === 'future')!;
		expect(future.waiters).toEqual([reader.id]);
		expect(waitsOf(w, reader.id)).toMatchObject({ to: future.id, op: 'result' });
		const publisher = w.tasks.find((t) => t.name === 'Store.publish')!;
		expect(waitsOf(w, publisher.id)).toMatchObject({ to: lock.id, op: 'acquire', at: { line: 18 } });
	});

	it('a lock leaked by a frame that returned without release(): the waiter names it, acquired in Pool.take', async () => {
		const w = expectDeadlock(await run('leaked-lock'), 'quiescence');
		const lock = w.resources[0];
		expect(lock.name).toBe('Pool.mutex');
		const holding = holderOf(lock)!;
		expect(holding.leaked).toBe('frame-returned');
		expect(at(holding.acquiredAt.at(-1)!)).toBe('Pool.take (leaked-lock.ts:10)');
		expect(taskIn(w, holding.agent)).toMatchObject({ name: 'Pool.take', state: 'done' });
		const waiter = w.tasks.find((t) => t.state === 'waiting')!;
		expect(waiter.id).not.toBe(holding.agent);
		expect(chainOf(waiter).slice(0, 2)).toEqual(['main (leaked-lock.ts:21)', 'Pool.take (leaked-lock.ts:10)']);
		expect(summarize(w)).toContain('returned without releasing it (acquired in `Pool.take` at leaked-lock.ts:10)');
		expect(summarize(w)).not.toContain('already holds');
	});

	it('a lock taken by acquire() inside a section that finished: held by that section, owner-finished', async () => {
		const w = expectDeadlock(await run('leaked-by-section'), 'quiescence');
		const lock = w.resources.find((x) => x.name === 'Pool.mutex')!;
		const holding = holderOf(lock)!;
		expect(holding.leaked).toBe('owner-finished');
		expect(taskIn(w, holding.agent)).toMatchObject({ name: 'Jobs.run', state: 'done', ended: 'returned', chain: [] });
		expect(at(holding.acquiredAt.at(-1)!)).toBe('Pool.take (leaked-by-section.ts:11)');
		expect(lock.waiters).toHaveLength(1);
		expect(lock.waiters[0]).not.toBe(holding.agent);
		expect(summarize(w)).toMatch(/^Section `Pool\.take` waits for Mutex `Pool\.mutex`, held by Section `Jobs\.run`, which finished without releasing it \(acquired in `Pool\.take` at leaked-by-section\.ts:11\)/);
	});
});

describe.concurrent('lock-order inversions (lockdep-style), reported on any verdict', () => {
	it('Store.lock → Index.lock in one place and Index.lock → Store.lock in another: completed, with a potential deadlock naming both places', async () => {
		const r = await run('lock-order-inversion');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([
			{
				locks: ['Store.lock', 'Index.lock'],
				orders: [
					{ task: 'Store.save', holding: { lock: 'Store.lock', at: 'lock-order-inversion.ts:23' }, took: { lock: 'Index.lock', at: 'lock-order-inversion.ts:25' } },
					{ task: 'Index.rebuild', holding: { lock: 'Index.lock', at: 'lock-order-inversion.ts:10' }, took: { lock: 'Store.lock', at: 'lock-order-inversion.ts:11' } },
				],
			},
		]);
		expect(formatReport(r)).toContain('Index.rebuild takes `Store.lock` at lock-order-inversion.ts:11 while holding `Index.lock` (taken at lock-order-inversion.ts:10)');
	});

	it('the same inversion with acquire()/release()', async () => {
		const r = await run('lock-order-acquire-inversion');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([
			{
				locks: ['registryLock', 'cacheLock'],
				orders: [
					{ task: 'register', holding: { lock: 'registryLock', at: 'lock-order-acquire-inversion.ts:9' }, took: { lock: 'cacheLock', at: 'lock-order-acquire-inversion.ts:11' } },
					{ task: 'evict', holding: { lock: 'cacheLock', at: 'lock-order-acquire-inversion.ts:19' }, took: { lock: 'registryLock', at: 'lock-order-acquire-inversion.ts:21' } },
				],
			},
		]);
	});

	it('one consistent order, locks used one after the other, concurrent callers of one lock each, one class locked by id: nothing reported', async () => {
		const r = await run('lock-order-consistent');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([]);
	});

	it('the seed trap\'s fixed workload (120 callers, one lock) reports none', async () => {
		const r = await run('workload-solution');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.potentialDeadlocks).toEqual([]);
		// The CPU time main() used, which bench/overhead.ts reads beside the wall time.
		expect(r.cpuMs).toBeGreaterThan(0);
	});
});

/** Fixtures that are stuck: each must time out with detection off, and be proven with it on (but the BUSY ones). */
const STUCK = [
	'nested-run-exclusive', 'nested-acquire', 'abba', 'never-settles', 'stuck-with-interval', 'late-await', 'return-without-await', 'all-settled',
	'wait-for-unlock', 'commonjs-require', 'workload-deadlock', 'child-process', 'semaphore-permits-stuck', 'semaphore-weighted-stuck',
	'promise-only-blocked-settles', 'leaked-lock', 'leaked-by-section', 'never-settles-with-interval', 'main-holds-acquire',
	'atomics-wait-async-forever', 'unref-open-server', 'unref-open-socket', 'unref-open-udp', 'unref-open-watch', 'unref-open-watchfile', 'unref-open-signal-listener', 'unref-open-non-persistent-watchers', 'unref-all-closed',
];
/** Stuck, but something else keeps running (an interval, a child) or stays open (an unref'd server) that could still release a lock: no proof, a timeout. */
const BUSY = ['stuck-with-interval', 'child-process', 'never-settles-with-interval', 'unref-open-server', 'unref-open-socket', 'unref-open-udp', 'unref-open-watch', 'unref-open-watchfile', 'unref-open-signal-listener', 'unref-open-non-persistent-watchers'];

/** Fixtures that look close to stuck but are not: each must complete, with detection on and off. */
const NOT_STUCK = ['fire-and-forget', 'acquire-not-stuck', 'stuck-in-background', 'unref-timer', 'semaphore-not-stuck', 'wait-for-unlock-released-later', 'promise-settled-outside', 'lock-order-inversion', 'lock-order-consistent', 'atomics-wait-async-timeout'];

describe.concurrent('no proof where there is no deadlock', () => {
	it('nested runExclusive calls the holder does not wait for (fire-and-forget, awaited later, raced, Promise.all failing first) complete', async () => {
		const r = await run('fire-and-forget');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual({
			log: ['set a#1', 'set a#2', 'set b#3', 'set c#4', 'set d#5', 'set end'],
			raced: 'gave up',
			handMade: 'gave up',
			allOrNothing: 'sibling failed',
		});
	});

	it('a fire-and-forget call that deadlocks on its own does not make main() stuck: completed, as with detection off', async () => {
		const [on, off] = await Promise.all([run('stuck-in-background'), run('stuck-in-background', GENEROUS_MS, false)]);
		expect(on.outcome, show(on)).toBe('completed');
		expect(off.outcome, show(off)).toBe('completed');
		expect(on.returned).toBe('main finished');
	});

	it('a self-deadlocking call awaited through Promise.all with a sibling that fails: raised, as with detection off', async () => {
		const [on, off] = await Promise.all([run('all-with-failing-sibling'), run('all-with-failing-sibling', GENEROUS_MS, false)]);
		for (const r of [on, off]) {
			expect(r.outcome, show(r)).toBe('raised');
			expect(r.error).toMatchObject({ type: 'Error', message: 'disk full' });
		}
	});

	it('Semaphores that look stuck but get their permits back (a free permit, a timer, a hand release, waitForUnlock) complete', async () => {
		const r = await run('semaphore-not-stuck');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual(['second permit was free', 'permit came back from a timer', 'signal released by hand', 'waitForUnlock saw the permit come back']);
		expect(r.potentialDeadlocks).toEqual([]);
	});

	it('waitForUnlock on a mutex released later (by a timer, by another section) completes', async () => {
		const r = await run('wait-for-unlock-released-later');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual(['config released by a timer', 'writer done', 'config released by the writer']);
	});

	it('sections awaiting promises settled from outside any blocked section complete', async () => {
		const r = await run('promise-settled-outside');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual(['settled by a timer', 'settled by a fire-and-forget task', 'settled by a section of another lock']);
	});

	it('unref\'d timers still pending are not quiescence: main() completes, as it does with detection off', async () => {
		// Off, within 3 s: the harness turns a drained loop (harness.ts). Before, the unref'd
		// setImmediate() could wait for whatever woke the loop next: in CI that took about 8 s.
		const [on, off] = await Promise.all([run('unref-timer'), run('unref-timer', 3000, false)]);
		expect(on.outcome, show(on)).toBe('completed');
		expect(off.outcome, show(off)).toBe('completed');
		expect(on.returned).toEqual(['timer', 'promise timer', 'promise immediate', 'abort signal', 'interval']);
	});

	it("unref'd servers, sockets, UDP sockets, file watchers and signal listeners still open withhold quiescence; closed, they do not", async () => {
		// Each could still be woken by a process the program does not track (a client, a peer, a
		// writer of the file, a sender of the signal): a claim that nothing can wake main() would not be proven.
		const open = ['unref-open-server', 'unref-open-socket', 'unref-open-udp', 'unref-open-watch', 'unref-open-watchfile', 'unref-open-signal-listener', 'unref-open-non-persistent-watchers'];
		const [closed, ...runs] = await Promise.all([run('unref-all-closed'), ...open.map((name) => run(name, 1000))]);
		for (const r of runs) expect(r.outcome, show(r)).toBe('timeout');
		expect(closed.outcome, show(closed)).toBe('deadlock');
		expect(closed.detectedBy).toBe('quiescence');
	});

	it('a program that resumes main() from its own beforeExit listener is not called stuck, and with detection off finishes as in Node', async () => {
		const [r, off] = await Promise.all([run('own-before-exit'), run('own-before-exit', 3000, false)]);
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toBe('finished on beforeExit');
		expect(off.outcome, show(off)).toBe('completed');
		expect(off.returned).toBe('finished on beforeExit');
	});

	it('a wait no detector can prove while a setInterval keeps the loop alive ends in timeout, with the facts it has', async () => {
		const r = await run('never-settles-with-interval', 1500);
		expect(r.outcome, show(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
		expect(r.killedByRunner).toBe(false);
		expect(facts(r)).toEqual({ reason: 'timeout', cycle: null, timeoutMs: 1500, resources: [], edges: [], tasks: [{ id: 'ctx:0', kind: 'async-context', name: 'main', state: 'running', chain: [{ function: 'main', file: 'never-settles-with-interval.ts', line: 7 }] }] });
	});

	it('acquire()/release() that only look like a holder waiting for itself (one line, Promise.all siblings, fire-and-forget, a lease timer) complete', async () => {
		const r = await run('acquire-not-stuck');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual(['one line', 'Promise.all sibling', 'fire-and-forget', 'after the lease ran out']);
	});

	it('with detection off every stuck fixture ends in timeout (the detectors invent nothing)', async () => {
		const results = await Promise.all(STUCK.map((n) => run(n, 1000, false)));
		for (const r of results) {
			expect(r.outcome, `${r.file}: ${show(r)}`).toBe('timeout');
			expect(r.detectedBy).toBe('timeout');
			expect(r.elapsedMs).toBeGreaterThanOrEqual(1000);
			expect(r.witness).toBeNull();
			expect(r.killedByRunner).toBe(false);
		}
	});

	it('with detection on every stuck fixture is proven, and every fixture that only looks stuck completes, on and off', async () => {
		const stuck = await Promise.all(STUCK.filter((n) => !BUSY.includes(n)).map((n) => run(n)));
		for (const r of stuck) {
			expect(r.outcome, `${r.file}: ${show(r)}`).toBe('deadlock');
			expect(explainProof(r.witness), r.file).toEqual([]); // the suite's own check that a reader can follow the proof
		}
		const fine = await Promise.all(NOT_STUCK.flatMap((n) => [run(n), run(n, GENEROUS_MS, false)]));
		for (const r of fine) expect(r.outcome, `${r.file} (detect ${r.detect}): ${show(r)}`).toBe('completed');
	});
});

describe.concurrent('completions, errors and runaway programs', () => {
	it('a sync main() completes and its value is returned', async () => {
		const r = await run('sync-main');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual({ concurrent: 0, invariants: ['sync main returns its value'] });
		expect(r.runtime).toEqual({ name: 'Node.js', version: process.versions.node });
	});

	it('the fixed seed trap with 120 concurrent callers completes with its summary', async () => {
		const r = await run('workload-solution');
		expect(r.outcome, show(r)).toBe('completed');
		expect(r.returned).toEqual({ concurrent: 120, invariants: ['every source file has exactly one hash'] });
	});

	it('main() throwing is raised, with the error class and stack', async () => {
		const r = await run('throws');
		expect(r.outcome, show(r)).toBe('raised');
		expect(r.error).toMatchObject({ type: 'InvariantBroken', message: 'hash of a.py is stale' });
		expect(r.error!.text).toContain('throws.ts:5');
	});

	it('an unhandled rejection is raised', async () => {
		const r = await run('unhandled-rejection');
		expect(r.outcome, show(r)).toBe('raised');
		expect(r.error).toMatchObject({ type: 'RangeError', message: 'background job failed' });
		expect(r.elapsedMs).toBeLessThan(5000);
	});

	it('a busy spin is ended within timeout + 1 s, by the watchdog thread rather than the kill', async () => {
		const r = await run('busy-spin', 1000);
		expect(r.outcome, show(r)).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1000);
		expect(r.elapsedMs).toBeLessThanOrEqual(1000 + KILL_GRACE_MS);
		// The watchdog thread reports it (the main thread never yielded), or the runner killed it.
		if (!r.killedByRunner) expect(facts(r)).toMatchObject({ reason: 'timeout', tasks: [{ kind: 'thread', state: 'running', loopThread: true }], resources: [] });
	});
});

describe.concurrent('files that cannot run', () => {
	it('no main export: UnrunnableError saying what to add', async () => {
		const err = await run('no-main').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(UnrunnableError);
		expect((err as Error).message).toMatch(/no-main\.ts: exports no main\(\) function \(it exports name, run\)\. Add `export async function main\(\) \{ … \}`/);
	});

	it('a syntax error: UnrunnableError with the place and the line', async () => {
		const err = await run('syntax-error').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(UnrunnableError);
		const message = (err as Error).message;
		expect(message).toContain('does not load: SyntaxError');
		expect(message).toContain('at syntax-error.ts:2');
		expect(message).toContain('const x = ;');
	});
});

afterAll(() => {
	expect(liveRunProcesses(), 'snippet processes left running').toEqual([]);
});
