// The Node.js harness end to end: each fixture in tests/fixtures/verify/typescript runs through
// runSnippet exactly as a snippet of the catalog does, and the test checks what a reader would see.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { KILL_GRACE_MS, runSnippet, UnrunnableError, type RunResult } from '../../src/verify/run-snippet.ts';
import type { Frame, WitnessTask } from '../../src/verify/witness.ts';
import { ROOT } from '../support/paths.ts';

const FIXTURES = join(ROOT, 'tests/fixtures/verify/typescript');
const fixture = (name: string) => join(FIXTURES, `${name}.ts`);

/** Deadlocks are proven long before this; it only bounds a run that goes wrong. */
const GENEROUS_MS = 10_000;

const run = (name: string, timeoutMs = GENEROUS_MS, detect = true) => runSnippet(fixture(name), { timeoutMs, detect });
const at = (f: Frame) => `${f.function} (${f.file}:${f.line})`;
const chainOf = (t: WitnessTask | undefined) => (t?.chain ?? []).map(at);

function expectDeadlock(r: RunResult, detectedBy: 'cycle' | 'quiescence'): void {
	expect(r.outcome, formatReport(r)).toBe('deadlock');
	expect(r.detectedBy, formatReport(r)).toBe(detectedBy);
	expect(r.elapsedMs).toBeLessThan(r.timeoutMs);
	expect(r.killedByRunner).toBe(false);
}

describe.concurrent('deadlocks proven by a wait-for cycle', () => {
	it('nested runExclusive awaited by the holder: cycle on Store.lock, with the whole await chain', async () => {
		const r = await run('nested-run-exclusive');
		expectDeadlock(r, 'cycle');
		const w = r.witness!;
		expect(w.summary).toBe('Store.rebuild waits for Store.lock, which it already holds (acquired in Store.rebuild at nested-run-exclusive.ts:15)');
		const [task] = w.tasks;
		expect(w.cycle).toEqual([task.id, w.locks[0].id, task.id]);
		expect(task).toMatchObject({ kind: 'async-context', name: 'Store.rebuild', state: 'waiting', waitsFor: w.locks[0].id });
		expect(chainOf(task)).toEqual([
			'main (nested-run-exclusive.ts:26)',
			'Store.rebuild (nested-run-exclusive.ts:18)',
			'Store.setHash (nested-run-exclusive.ts:9)',
			expect.stringMatching(/^Mutex\.runExclusive \(async-mutex\/index\.mjs:\d+\)$/),
		]);
		const lock = w.locks[0];
		expect(lock).toMatchObject({ name: 'Store.lock', kind: 'async-mutex Mutex', owner: task.id, waiters: [task.id] });
		expect(lock.createdAt).toEqual({ function: 'new Store', file: 'nested-run-exclusive.ts', line: 5 });
		expect(lock.acquiredAt!.map(at)).toEqual(['main (nested-run-exclusive.ts:26)', 'Store.rebuild (nested-run-exclusive.ts:15)']);
		expect(formatReport(r)).toContain('which is held by itself\n    since Store.rebuild (nested-run-exclusive.ts:15)');
	});

	it('two mutexes taken in opposite orders by two concurrent tasks (ABBA), forced by promises', async () => {
		const r = await run('abba');
		expectDeadlock(r, 'cycle');
		const w = r.witness!;
		expect(w.cycle).toHaveLength(5);
		const [t1, l1, t2, l2, back] = w.cycle!;
		expect(back).toBe(t1);
		expect(t1).not.toBe(t2);
		expect(l1).not.toBe(l2);
		const byId = new Map(w.tasks.map((t) => [t.id, t]));
		expect(byId.get(t1)).toMatchObject({ name: 'transfer #1', waitsFor: l1 });
		expect(byId.get(t2)).toMatchObject({ name: 'transfer #2', waitsFor: l2 });
		const locks = new Map(w.locks.map((l) => [l.id, l]));
		expect(locks.get(l1)).toMatchObject({ owner: t2 });
		expect(locks.get(l2)).toMatchObject({ owner: t1 });
		expect([locks.get(l1)!.name, locks.get(l2)!.name].sort()).toEqual(['Account.lock #1', 'Account.lock #2']);
		for (const l of [l1, l2]) expect(at(locks.get(l)!.acquiredAt!.at(-1)!)).toBe('transfer (abba.ts:22)');
		expect(chainOf(byId.get(t1))).toEqual(['main (abba.ts:38)', 'transfer (abba.ts:25)', expect.stringMatching(/^Mutex\.runExclusive /)]);
		expect(w.summary).toMatch(/^Deadlock cycle: transfer #1 waits for Account\.lock #\d, held by transfer #2 since abba\.ts:22, which waits for Account\.lock #\d, held by transfer #1 since abba\.ts:22$/);
	});

	it('a nested call returned without await (async and plain functions in between) is still awaited: cycle', async () => {
		const r = await run('return-without-await');
		expectDeadlock(r, 'cycle');
		expect(r.witness!.summary).toBe('Store.rebuild waits for Store.lock, which it already holds (acquired in Store.rebuild at return-without-await.ts:17)');
	});

	it('the holder awaits the nested call only after a few turns of the event loop: still found', async () => {
		const r = await run('late-await');
		expect(r.outcome, formatReport(r)).toBe('deadlock');
		expect(r.witness!.summary).toMatch(/^rebuild waits for lock, which it already holds \(acquired in rebuild at late-await\.ts:12\)$/);
		expect(chainOf(r.witness!.tasks[0])).toContain('rebuild (late-await.ts:15)');
	});

	it('awaited through Promise.allSettled (which waits for every member): cycle', async () => {
		const r = await run('all-settled');
		expectDeadlock(r, 'cycle');
		expect(chainOf(r.witness!.tasks[0]).slice(0, 3)).toEqual(['main (all-settled.ts:22)', 'Store.rebuild (all-settled.ts:16)', 'Store.setHash (all-settled.ts:9)']);
	});

	it('waitForUnlock() on the lock the section holds: cycle, chain ending in Mutex.waitForUnlock', async () => {
		const r = await run('wait-for-unlock');
		expectDeadlock(r, 'cycle');
		expect(r.witness!.locks[0].name).toBe('Queue.lock');
		expect(chainOf(r.witness!.tasks[0]).at(-1)).toMatch(/^Mutex\.waitForUnlock \(async-mutex\/index\.mjs:\d+\)$/);
	});

	it('async-mutex loaded with require() (its CommonJS build) is patched too', async () => {
		const r = await run('commonjs-require');
		expectDeadlock(r, 'cycle');
		expect(r.witness!.locks[0].name).toBe('Store.lock');
		expect(chainOf(r.witness!.tasks[0]).at(-1)).toMatch(/^Mutex\.runExclusive \(async-mutex\/lib\/Mutex\.js:\d+\)$/);
	});

	it('the seed trap with 120 concurrent callers on node:sqlite: the cycle leads, the queue follows', async () => {
		const r = await run('workload-deadlock');
		expectDeadlock(r, 'cycle');
		const w = r.witness!;
		expect(w.summary).toBe('Store.rebuild waits for Store.lock, which it already holds (acquired in Store.rebuild at workload-deadlock.ts:23)');
		expect(chainOf(w.tasks[0])).toEqual([
			'main (workload-deadlock.ts:37)',
			'runWorkload (lib/workload.ts:17)',
			'Store.rebuild (workload-deadlock.ts:26)',
			'Store.setHash (workload-deadlock.ts:16)',
			expect.stringMatching(/^Mutex\.runExclusive /),
		]);
		expect(w.tasks.length).toBeLessThanOrEqual(50);
		expect(w.tasks.length + (w.omittedTasks ?? 0)).toBeGreaterThan(100);
		expect(w.tasks[1]).toMatchObject({ name: 'Store.setHash', state: 'waiting', waitsFor: w.locks[0].id });
		expect(chainOf(w.tasks[1]).slice(0, 3)).toEqual(['main (workload-deadlock.ts:37)', 'runWorkload (lib/workload.ts:17)', 'Store.setHash (workload-deadlock.ts:16)']);
		expect(formatReport(r)).toMatch(/Also waiting for Store\.lock: \d+ more \(.*Store\.setHash ×\d+/);
	});

	it('a deadlock while a child process runs: proven, and no process is left behind', async () => {
		const r = await run('child-process');
		expectDeadlock(r, 'cycle');
		const pid = Number(/child pid (\d+)/.exec(r.stdout)?.[1]);
		expect(pid).toBeGreaterThan(0);
		expect(isRunning(pid), `child ${pid} still running`).toBe(false);
	});
});

describe.concurrent('deadlocks proven by quiescence', () => {
	it('nested acquire()/release(): quiescence (who will call release() is not known, so no cycle is claimed)', async () => {
		const r = await run('nested-acquire');
		expectDeadlock(r, 'quiescence');
		const w = r.witness!;
		expect(w.cycle).toBeNull();
		expect(w.summary).toBe('main() can never finish: Store.setHash waits for Store.lock, held by Store.rebuild since nested-acquire.ts:18, and nothing left to run can release it');
		const waiter = w.tasks.find((t) => t.waitsFor)!;
		expect(chainOf(waiter)).toEqual([
			'main (nested-acquire.ts:28)',
			'Store.rebuild (nested-acquire.ts:20)',
			'Store.setHash (nested-acquire.ts:9)',
			expect.stringMatching(/^Mutex\.acquire \(async-mutex\/index\.mjs:\d+\)$/),
		]);
		const lock = w.locks[0];
		expect(w.tasks.find((t) => t.id === lock.owner)).toMatchObject({ name: 'Store.rebuild', state: 'blocked' });
		expect(at(lock.acquiredAt!.at(-1)!)).toBe('Store.rebuild (nested-acquire.ts:18)');
	});

	it('awaiting a promise that never settles, no lock involved', async () => {
		const r = await run('never-settles');
		expectDeadlock(r, 'quiescence');
		expect(r.witness!.summary).toBe('main() is still pending, but nothing is left to run that could resume it (no timers, I/O or lock releases pending)');
		expect(r.witness!.tasks).toEqual([{ id: 'ctx:0', kind: 'async-context', name: 'main', state: 'blocked', chain: [{ function: 'main', file: 'never-settles.ts', line: 6 }] }]);
	});
});

describe.concurrent('no proof where there is no deadlock', () => {
	it('nested runExclusive calls the holder does not wait for (fire-and-forget, awaited later, raced, Promise.all failing first) complete', async () => {
		const r = await run('fire-and-forget');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toEqual({
			log: ['set a#1', 'set a#2', 'set b#3', 'set c#4', 'set d#5', 'set end'],
			raced: 'gave up',
			handMade: 'gave up',
			allOrNothing: 'sibling failed',
		});
	});

	it('unref\'d timers still pending are not quiescence: main() completes, as it does with detection off', async () => {
		const [on, off] = await Promise.all([run('unref-timer'), run('unref-timer', GENEROUS_MS, false)]);
		expect(on.outcome, formatReport(on)).toBe('completed');
		expect(off.outcome, formatReport(off)).toBe('completed');
		expect(on.returned).toEqual(['timer', 'promise timer', 'abort signal', 'interval']);
	});

	it('a program that resumes main() from its own beforeExit listener is not called stuck', async () => {
		const r = await run('own-before-exit');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toBe('finished on beforeExit');
	});

	it('a stuck wait while a setInterval keeps the loop alive ends in timeout, with a witness of the wait', async () => {
		const r = await run('stuck-with-interval', 1500);
		expect(r.outcome, formatReport(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
		expect(r.killedByRunner).toBe(false);
		const w = r.witness!;
		expect(w.summary).toBe('main() did not return within 1500 ms; load waits for cacheLock, held by refresh since stuck-with-interval.ts:9');
		const waiter = w.tasks.find((t) => t.waitsFor)!;
		expect(chainOf(waiter).slice(0, 3)).toEqual(['main (stuck-with-interval.ts:24)', 'refresh (stuck-with-interval.ts:11)', 'load (stuck-with-interval.ts:18)']);
		expect(w.locks[0]).toMatchObject({ name: 'cacheLock', createdAt: { file: 'stuck-with-interval.ts', line: 5 } });
	});

	it('with detection off every deadlock fixture ends in timeout (the detectors invent nothing)', async () => {
		const names = ['nested-run-exclusive', 'nested-acquire', 'abba', 'never-settles', 'stuck-with-interval', 'late-await', 'return-without-await', 'all-settled', 'wait-for-unlock', 'commonjs-require', 'workload-deadlock', 'child-process'];
		const results = await Promise.all(names.map((n) => run(n, 1000, false)));
		for (const r of results) {
			expect(r.outcome, formatReport(r)).toBe('timeout');
			expect(r.detectedBy).toBe('timeout');
			expect(r.elapsedMs).toBeGreaterThanOrEqual(1000);
			expect(r.witness).toBeNull();
			expect(r.killedByRunner).toBe(false);
		}
	});
});

describe.concurrent('completions, errors and runaway programs', () => {
	it('a sync main() completes and its value is returned', async () => {
		const r = await run('sync-main');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toEqual({ concurrent: 0, invariants: ['sync main returns its value'] });
		expect(r.runtime).toEqual({ name: 'Node.js', version: process.versions.node });
	});

	it('the fixed seed trap with 120 concurrent callers completes with its summary', async () => {
		const r = await run('workload-solution');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toEqual({ concurrent: 120, invariants: ['every source file has exactly one hash'] });
	});

	it('main() throwing is raised, with the error class and stack', async () => {
		const r = await run('throws');
		expect(r.outcome, formatReport(r)).toBe('raised');
		expect(r.error).toMatchObject({ type: 'InvariantBroken', message: 'hash of a.py is stale' });
		expect(r.error!.text).toContain('throws.ts:5');
	});

	it('an unhandled rejection is raised', async () => {
		const r = await run('unhandled-rejection');
		expect(r.outcome, formatReport(r)).toBe('raised');
		expect(r.error).toMatchObject({ type: 'RangeError', message: 'background job failed' });
		expect(r.elapsedMs).toBeLessThan(5000);
	});

	it('a busy spin is ended within timeout + 1 s, by the watchdog thread rather than the kill', async () => {
		const r = await run('busy-spin', 1000);
		expect(r.outcome, formatReport(r)).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(1000);
		expect(r.elapsedMs).toBeLessThanOrEqual(1000 + KILL_GRACE_MS);
		expect(r.witness?.summary ?? 'killed by the runner').toMatch(/never yielded|killed by the runner/);
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

function isRunning(pid: number): boolean {
	try {
		return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return false;
	}
}
