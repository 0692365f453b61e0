import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/verify/report.ts';
import { runSnippet, type RunResult } from '../../src/verify/run-snippet.ts';
import type { DetectedBy, Verdict } from '../../src/verify/vocabulary.ts';
import { ROOT } from '../support/paths.ts';

// Programs the project did not write: reduced from real projects' bug reports and their fixes,
// plus near-misses that look stuck but finish. Each file's header names its source and the
// verdict it should get. One table holds every expectation; every fixture must be in it.
//
// `deadlock` is never accepted for a program that finishes. A real deadlock the engine declines to
// prove is listed with `accept: ['timeout', 'deadlock']` and a `limit` saying why. A finishing
// program the engine once claimed as a deadlock also runs with detection off, which shows that the
// program does finish.

const DIR = join(ROOT, 'tests/fixtures/verify/external');

interface Expectation {
	/** The verdict the program should get. */
	expect: Verdict;
	/** For a deadlock: the detectors that may prove it. */
	detectedBy?: DetectedBy[];
	/** Other verdicts accepted, with `limit` saying why (a missed proof). Never `deadlock` for a program that finishes. */
	accept?: Verdict[];
	limit?: string;
	/** Check that the run with detection off gets this verdict (the program's own behaviour). */
	withoutDetection?: Verdict;
	timeoutMs?: number;
}

const SIGNAL_LIMIT = 'a Python signal handler is installed: any signal could run it, so no thread proof is made';

const EXPECTED: Record<string, Expectation> = {
	// Python: near-misses that the engine once claimed as lock cycles (fixed in cancellation.py / thread_locks.py).
	'python/aio_abba_rescued_by_call_later_cancel.py': { expect: 'completed', withoutDetection: 'completed' },
	'python/aio_abba_rescued_by_wait_timeout.py': { expect: 'completed', withoutDetection: 'completed' },
	'python/aio_abba_rescued_by_taskgroup.py': { expect: 'completed', withoutDetection: 'completed' },
	'python/aio_lock_lease_released_by_timer.py': { expect: 'completed', withoutDetection: 'completed' },
	'python/aio_self_lock_rescued_by_ready_canceller.py': { expect: 'completed', withoutDetection: 'completed' },
	'python/rlock_abba_rescued_by_sigalrm.py': { expect: 'completed', withoutDetection: 'completed' },
	// Once claimed by the watchdog: an RLock's owner was told by thread lifetime, not by ident as CPython does (fixed in thread_locks.py).
	'python/cpython128167_rlock_owner_ident_reused.py': { expect: 'completed', withoutDetection: 'completed' },

	// Python: bugs from real reports, and their fixes.
	// CPython 3.11's wait_for runs the coroutine in a task of its own, which ends holding the lock
	// (quiescence); from 3.12 it runs in the caller's task, which then waits for the lock it holds (cycle).
	'python/aioapns42_wait_for_leaks_lock_bug.py': { expect: 'deadlock', detectedBy: ['quiescence', 'cycle'] },
	'python/aioapns42_wait_for_leaks_lock_fix.py': { expect: 'completed' },
	'python/anyio398_checkpoint_after_acquire_bug.py': { expect: 'deadlock', detectedBy: ['quiescence'] },
	'python/anyio398_checkpoint_after_acquire_fix.py': { expect: 'completed' },
	'python/aiomqtt174_rcts_on_loop_thread_bug.py': { expect: 'deadlock', detectedBy: ['watchdog'] },
	'python/aiomqtt174_rcts_on_loop_thread_fix.py': { expect: 'completed' },
	'python/cpython121075_rcts_result_timeout.py': { expect: 'raised' },
	'python/cpython_docs_executor_nested_wait_bug.py': { expect: 'deadlock', detectedBy: ['watchdog'] },
	'python/cpython_docs_executor_nested_wait_fix.py': { expect: 'completed' },
	'python/pyrogram1305_queue_join_without_task_done_bug.py': { expect: 'deadlock', detectedBy: ['quiescence'] },
	'python/pyrogram1305_queue_join_without_task_done_fix.py': { expect: 'completed' },
	'python/dbt5602_thread_queue_join_worker_died_bug.py': { expect: 'deadlock', detectedBy: ['watchdog'] },
	'python/dbt5602_thread_queue_join_worker_died_fix.py': { expect: 'completed' },
	'python/loguru712_finalizer_logs_under_lock_bug.py': { expect: 'deadlock', detectedBy: ['cycle', 'watchdog'] },
	'python/loguru712_finalizer_logs_under_lock_fix.py': { expect: 'completed' },
	'python/patroni3413_signal_handler_logs_bug.py': { expect: 'deadlock', detectedBy: ['cycle', 'watchdog'], accept: ['timeout'], limit: SIGNAL_LIMIT, timeoutMs: 1500 },
	'python/patroni3413_signal_handler_logs_fix.py': { expect: 'completed' },
	'python/appier86_id_lock_leaked_bug.py': { expect: 'deadlock', detectedBy: ['watchdog'], withoutDetection: 'timeout', timeoutMs: 1500 },
	'python/appier86_id_lock_leaked_fix.py': { expect: 'completed' },

	// Python: near-misses that look stuck but finish.
	'python/nm_to_thread_sleep_sets_event.py': { expect: 'completed' },
	'python/nm_run_in_executor_sleep_with_lock_waiter.py': { expect: 'completed' },
	'python/nm_thread_queue_get_timeout_poll.py': { expect: 'completed' },
	'python/nm_condition_wait_for_predicate_timer.py': { expect: 'completed' },
	'python/nm_localhost_server_wakes_task.py': { expect: 'completed' },
	'python/nm_subprocess_wakes_task.py': { expect: 'completed' },
	'python/nm_signal_handler_wakes_loop.py': { expect: 'completed' },
	'python/nm_signal_only_wakes_thread.py': { expect: 'completed' },
	'python/nm_shield_survives_wait_for.py': { expect: 'completed' },
	'python/nm_wait_for_times_out_behind_holder.py': { expect: 'completed' },
	'python/nm_asyncgen_finalizer_sets_event.py': { expect: 'completed' },
	'python/nm_semaphores_released_by_others.py': { expect: 'completed' },
	'python/nm_timer_releases_thread_lock.py': { expect: 'completed' },
	'python/nm_daemon_thread_stuck_main_returns.py': { expect: 'completed' },
	'python/nm_condition_notify_from_call_later.py': { expect: 'completed' },
	'python/nm_process_pool_sleep.py': { expect: 'completed' },

	// TypeScript (async-mutex): near-misses the engine once claimed as lock cycles (a cancel() or a
	// release() by hand from a pending timer, a release function handed to an event listener).
	// Fixed in detector.ts: no cycle is claimed before quiescence.
	'typescript/abba-rescued-by-cancel-timer.ts': { expect: 'completed', withoutDetection: 'completed' },
	'typescript/abba-rescued-by-forced-release.ts': { expect: 'completed', withoutDetection: 'completed' },
	'typescript/acquire-released-by-event.ts': { expect: 'completed', withoutDetection: 'completed' },

	// TypeScript: near-misses.
	'typescript/acquire-released-by-threadpool-callback.ts': { expect: 'completed' },
	'typescript/with-timeout-abba.ts': { expect: 'completed' },
	'typescript/race-cycle-with-timer.ts': { expect: 'completed' },
	'typescript/set-immediate-chain-release.ts': { expect: 'completed' },
	'typescript/semaphore-released-by-other-flow.ts': { expect: 'completed' },
	'typescript/http-handler-without-lock.ts': { expect: 'completed' },
	// Once claimed by quiescence: unref'd servers were not tracked (fixed in unref-tracker.ts).
	'typescript/unref-server-woken-by-late-client.ts': { expect: 'completed', withoutDetection: 'completed' },
	// Once claimed by quiescence: signal listeners were not counted (fixed in unref-tracker.ts).
	'typescript/signal-handler-wakes-section.ts': { expect: 'completed', withoutDetection: 'completed' },
	// Once claimed by quiescence: watchers made with `persistent: false` were not counted (fixed in unref-tracker.ts).
	'typescript/non-persistent-watch-woken-by-late-writer.ts': { expect: 'completed', withoutDetection: 'completed' },

	// TypeScript: bugs and fixes.
	'typescript/async-mutex-88-acquire-and-wait-for-unlock.ts': { expect: 'deadlock', detectedBy: ['quiescence'], withoutDetection: 'timeout', timeoutMs: 1500 },
	'typescript/reentrant-shortcut-bug.ts': { expect: 'deadlock', detectedBy: ['cycle'] },
	'typescript/reentrant-shortcut-fix.ts': { expect: 'completed' },
	'typescript/http-handler-waits-for-client-lock.ts': {
		expect: 'deadlock',
		detectedBy: ['cycle', 'quiescence'],
		accept: ['timeout'],
		limit: "the handler's request is made outside any section's flow (probed only at quiescence and timeout), and the listening server keeps the loop from quiescence",
		timeoutMs: 1500,
	},
};

function why(r: RunResult): string {
	try {
		return formatReport(r);
	} catch {
		return JSON.stringify(r, null, 1).slice(0, 4000);
	}
}

const run = (file: string, e: Expectation, detect: boolean) => runSnippet(join(DIR, file), { timeoutMs: e.timeoutMs ?? 3000, detect });

function check(r: RunResult, e: Expectation): void {
	const allowed = [e.expect, ...(e.accept ?? [])];
	expect(allowed, why(r)).toContain(r.outcome);
	if (r.outcome === 'deadlock') {
		expect(e.expect, `a program that finishes was claimed as a deadlock:\n${why(r)}`).toBe('deadlock');
		if (e.detectedBy) expect(e.detectedBy).toContain(r.detectedBy);
	}
	expect(r.killedByRunner, why(r)).toBe(false);
}

describe('external fixtures: the table covers every file', () => {
	it('lists each fixture once and only existing ones', () => {
		const files = ['python', 'typescript'].flatMap((lang) =>
			readdirSync(join(DIR, lang))
				.filter((f) => /\.(py|ts)$/.test(f))
				.map((f) => `${lang}/${f}`),
		);
		expect(Object.keys(EXPECTED).sort()).toEqual(files.sort());
		for (const [file, e] of Object.entries(EXPECTED)) {
			// A finishing program may never list deadlock as acceptable.
			if (e.expect !== 'deadlock') expect(e.accept ?? [], file).not.toContain('deadlock');
			if (e.accept?.length) expect(e.limit, `${file}: say why another verdict is accepted`).toBeTruthy();
		}
	});
});

describe.concurrent('external fixtures: the verdict each should get', () => {
	for (const [file, e] of Object.entries(EXPECTED)) {
		const title = `${file}: ${e.expect}${e.accept ? ` (or ${e.accept.join(', ')}: ${e.limit})` : ''}`;
		it(title, async () => check(await run(file, e, true), e));
		if (e.withoutDetection) {
			it(`${file}: with detection off it ends ${e.withoutDetection} (what the program itself does)`, async () => {
				const r = await run(file, e, false);
				expect(r.outcome, why(r)).toBe(e.withoutDetection);
			});
		}
	}
});
