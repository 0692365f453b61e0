import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { KILL_GRACE_MS, runSnippet, UnrunnableError, type RunOptions, type RunResult } from '../../src/verify/run-snippet.ts';
import { formatWitness, type Frame, type Witness, type WitnessLock, type WitnessTask } from '../../src/verify/witness.ts';
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

function lock(w: Witness | null, name: string): WitnessLock {
	const found = w?.locks.find((l) => l.name === name);
	if (!found) throw new Error(`no lock "${name}" in witness: ${JSON.stringify(w?.locks.map((l) => l.name))}`);
	return found;
}

const at = (chain: Frame[]) => chain.map((f) => `${f.function} (${f.file}:${f.line})`);

function expectProof(r: RunResult, detectedBy: string | string[]): void {
	expect(r.outcome, formatReport(r)).toBe('deadlock');
	expect([detectedBy].flat()).toContain(r.detectedBy);
	expect(r.elapsedMs).toBeLessThan(PROOF_BOUND_MS);
	expect(r.killedByRunner).toBe(false);
	expect(r.runtime.name).toBe('CPython');
}

describe.concurrent('Python harness: proven deadlocks', () => {
	it('asyncio.Lock taken again by the task that holds it: a cycle of one, with who took it where', async () => {
		const r = await run('asyncio_self_deadlock.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		expect(w.summary).toBe(
			'Task "upserter" waits for Cache._lock, which it already holds (acquired in Cache.upsert at asyncio_self_deadlock.py:15)',
		);
		const upserter = task(w, 'upserter');
		const cacheLock = lock(w, 'Cache._lock');
		expect(w.cycle).toEqual([upserter.id, cacheLock.id, upserter.id]);
		expect(upserter.state).toBe('waiting');
		expect(upserter.waitsFor).toBe(cacheLock.id);
		expect(at(upserter.chain).slice(0, 2)).toEqual(['Cache.upsert (asyncio_self_deadlock.py:16)', 'Cache.get (asyncio_self_deadlock.py:11)']);
		expect(upserter.chain.at(-1)).toMatchObject({ function: 'Lock.acquire', file: 'asyncio/locks.py' });
		expect(cacheLock).toMatchObject({ kind: 'asyncio.Lock', owner: upserter.id, createdAt: { function: 'Cache.__init__', file: 'asyncio_self_deadlock.py', line: 7 } });
		expect(cacheLock.acquiredAt?.at(-1)).toEqual({ function: 'Cache.upsert', file: 'asyncio_self_deadlock.py', line: 15 });
		expect(formatWitness(w)).toContain('which is held by itself\n    since Cache.upsert (asyncio_self_deadlock.py:15)');
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
		expect(a.owner).toBe(first.id);
		expect(b.owner).toBe(second.id);
		expect(a.acquiredAt?.at(-1)).toEqual({ function: 'a_then_b', file: 'asyncio_abba.py', line: 9 });
		expect(b.acquiredAt?.at(-1)).toEqual({ function: 'b_then_a', file: 'asyncio_abba.py', line: 17 });
		expect(first.waitsFor).toBe(b.id);
		expect(second.waitsFor).toBe(a.id);
		expect(w.summary).toMatch(/held by Task "(first|second)" \(acquired in (a_then_b|b_then_a) at asyncio_abba\.py:(9|17)\)/);
	});

	it('an Event never set: the event loop is quiescent with tasks still waiting', async () => {
		const r = await run('asyncio_event_never_set.py');
		expectProof(r, 'quiescence');
		const waiter = task(r.witness, 'waiter');
		expect(at(waiter.chain)[0]).toBe('wait_for_ready (asyncio_event_never_set.py:6)');
		expect(waiter.chain.at(-1)).toMatchObject({ function: 'Event.wait', file: 'asyncio/locks.py' });
		expect(task(r.witness, 'main').state).toBe('blocked');
		expect(r.witness!.summary).toContain('nothing is left that could wake');
		expect(r.witness!.summary).toContain('Task "waiter" waits in Event.wait, called at asyncio_event_never_set.py:6');
	});

	it('a threading.Lock taken again on the same thread: a cycle of one thread', async () => {
		const r = await run('thread_lock_reacquire.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		const main = task(w, 'MainThread');
		const accountLock = lock(w, 'Account._lock');
		expect(main.kind).toBe('thread');
		expect(w.cycle).toEqual([main.id, accountLock.id, main.id]);
		expect(accountLock).toMatchObject({ kind: 'threading.Lock', owner: main.id });
		expect(accountLock.acquiredAt?.at(-1)).toEqual({ function: 'Account.withdraw', file: 'thread_lock_reacquire.py', line: 15 });
		expect(at(main.chain)).toEqual([
			'main (thread_lock_reacquire.py:22)',
			'Account.withdraw (thread_lock_reacquire.py:16)',
			'Account.balance (thread_lock_reacquire.py:11)',
		]);
		expect(w.summary).toBe(
			'Thread "MainThread" waits for Account._lock, which it already holds (acquired in Account.withdraw at thread_lock_reacquire.py:15)',
		);
	});

	it('a threading.Lock taken again on the event-loop thread: reported from the blocked thread, naming the task', async () => {
		const r = await run('thread_lock_in_task.py');
		expectProof(r, 'cycle');
		expect(r.witness!.summary).toBe(
			'Thread "MainThread" (running task "registrar") waits for REGISTRY_LOCK, which it already holds (acquired in register at thread_lock_in_task.py:14)',
		);
		expect(at(task(r.witness, 'MainThread').chain).slice(-2)).toEqual(['register (thread_lock_in_task.py:16)', 'lookup (thread_lock_in_task.py:9)']);
		expect(task(r.witness, 'registrar').state).toBe('running');
	});

	it('two threads taking two locks in opposite orders: the cycle names both threads', async () => {
		const r = await run('threads_abba.py');
		// At once from the second acquire, or from the watchdog when main() was not yet joining.
		expectProof(r, ['cycle', 'watchdog']);
		const w = r.witness!;
		const [transfer, audit] = [task(w, 'transfer'), task(w, 'audit')];
		const [accounts, ledger] = [lock(w, 'ACCOUNTS_LOCK'), lock(w, 'LEDGER_LOCK')];
		expect(new Set(w.cycle)).toEqual(new Set([transfer.id, audit.id, accounts.id, ledger.id]));
		expect(accounts.owner).toBe(transfer.id);
		expect(ledger.owner).toBe(audit.id);
		expect(transfer.waitsFor).toBe(ledger.id);
		expect(audit.waitsFor).toBe(accounts.id);
		expect(at(transfer.chain).at(-1)).toBe('transfer (threads_abba.py:11)');
		expect(task(w, 'MainThread').state).toBe('blocked');
	});

	it('a lock held by a thread that ended: the watchdog proves the waiter stuck and names the dead holder', async () => {
		const r = await run('thread_dead_owner.py');
		expectProof(r, 'watchdog');
		const w = r.witness!;
		const loader = task(w, 'loader');
		expect(loader.state).toBe('done');
		expect(lock(w, 'CONFIG_LOCK')).toMatchObject({ owner: loader.id, acquiredAt: [{ function: 'load_config', file: 'thread_dead_owner.py', line: 8 }] });
		expect(w.summary).toBe(
			'Thread "MainThread" waits for CONFIG_LOCK, held by Thread "loader", which ended without releasing it (acquired in load_config at thread_dead_owner.py:8)',
		);
		expect(at(task(w, 'MainThread').chain)).toEqual(['main (thread_dead_owner.py:15)']);
	});

	it('a task awaiting to_thread() whose worker waits for a lock of an ended thread: the loop is quiescent for good', async () => {
		const r = await run('to_thread_dead_owner.py');
		expectProof(r, 'quiescence');
		const w = r.witness!;
		const worker = w.tasks.find((t) => t.kind === 'thread' && t.state === 'waiting');
		expect(worker?.waitsFor).toBe(lock(w, 'CACHE_LOCK').id);
		expect(at(worker!.chain)).toEqual(['read_cache (to_thread_dead_owner.py:13)']);
		expect(task(w, 'warmer').state).toBe('done');
		expect(at(task(w, 'main').chain)[0]).toBe('main (to_thread_dead_owner.py:21)');
		expect(w.summary).toContain('waits for CACHE_LOCK, held by Thread "warmer", which ended without releasing it (acquired in warm_up at to_thread_dead_owner.py:9)');
	});

	it('keeps the witness bounded when hundreds of tasks queue behind the lock', async () => {
		const r = await run('many_waiters.py');
		expectProof(r, 'cycle');
		const w = r.witness!;
		expect(w.tasks.length).toBeLessThanOrEqual(51);
		expect(w.tasks.length + (w.omittedTasks ?? 0)).toBe(202); // 200 jobs, the flusher, main
		expect(w.cycle?.[0]).toBe(task(w, 'flusher').id);
		expect(formatWitness(w)).toMatch(/Also waiting for JOBS_LOCK: \d+ more \(enqueue ×\d+\)\./);
	});
});

describe.concurrent('Python harness: no invented deadlocks', () => {
	it('a lock wait behind a pending wait_for timer is no quiescence: the timer fires and main() raises TimeoutError', async () => {
		const r = await run('asyncio_wait_for_behind_lock.py');
		expect(r.outcome, formatReport(r)).toBe('raised');
		expect(r.error?.type).toBe('TimeoutError');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(900);
		expect(r.elapsedMs).toBeLessThan(8000);
	});

	it('the same, with a timeout shorter than the timer: ends in timeout, not in a proof', async () => {
		const r = await run('asyncio_wait_for_behind_lock.py', { timeoutMs: 500 });
		expect(r.outcome, formatReport(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(500);
		expect(task(r.witness, 'holder').chain.map((f) => f.function)).toContain('wait_for');
	});

	it('a task waiting under wait_for for a lock it holds is cancelled by the timer, not reported as a cycle', async () => {
		const r = await run('asyncio_wait_for_self_acquire.py');
		expect(r.outcome, formatReport(r)).toBe('raised');
		expect(r.error?.type).toBe('TimeoutError');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(450);
	});

	it('an RLock re-entered by its owner (also through a Condition) completes', async () => {
		const r = await run('rlock_reentry.py');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toEqual({ bolt: 5 });
	});

	it('a threading.Lock released by a thread that does not own it (a hand-off) completes', async () => {
		const r = await run('non_owner_release.py');
		expect(r.outcome, formatReport(r)).toBe('completed');
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
		expect(r.outcome, formatReport(r)).toBe('timeout');
		expect(r.detectedBy).toBe('timeout');
		expect(r.elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
		expect(r.elapsedMs).toBeLessThan(timeoutMs + KILL_GRACE_MS);
		expect(r.killedByRunner).toBe(false);
		expect(r.witness?.summary).toMatch(/^main\(\) had not returned after 1\.20 s/);
	});
});

describe.concurrent('Python harness: completed, raised, unrunnable', () => {
	it('a sync main() completes with what it returned, elapsed from main() on', async () => {
		const r = await run('sync_main.py');
		expect(r.outcome, formatReport(r)).toBe('completed');
		expect(r.returned).toEqual({ sum: 45, ok: true });
		expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
		expect(r.elapsedMs).toBeLessThan(1000);
		const version = execFileSync('python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
		expect(r.runtime).toEqual({ name: 'CPython', version });
	});

	it('main() raising: the exception type, message and a traceback that starts in the snippet', async () => {
		const r = await run('raises.py');
		expect(r.outcome, formatReport(r)).toBe('raised');
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
		expect(r.outcome, formatReport(r)).toBe('timeout');
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
