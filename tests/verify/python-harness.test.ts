import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { KILL_GRACE_MS, runSnippet, UnrunnableError, type RunOptions, type RunResult } from '../../src/verify/run-snippet.ts';
import type { Frame, WaitEdge, Witness, WitnessResource, WitnessTask } from '../../src/verify/facts.ts';
import { formatWitness, summarize } from '../../src/verify/words.ts';
import { ROOT } from '../support/paths.ts';

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
		'threads_abba.py',
		'thread_dead_owner.py',
		'to_thread_dead_owner.py',
		'many_waiters.py',
	];
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

/** True once `pid` no longer runs (gone, or a zombie waiting to be reaped); waits up to 5 s. */
async function gone(pid: number): Promise<boolean> {
	for (let i = 0; i < 100; i++) {
		const status = `/proc/${pid}/status`;
		if (!existsSync(status)) return true;
		try {
			if (/^State:\s+Z/m.test(readFileSync(status, 'utf8'))) return true;
		} catch {
			return true;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return false;
}
