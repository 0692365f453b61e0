/**
 * The engine's vocabulary, defined once: every verdict, detector, reason code, resource kind,
 * wait operation and task state a harness may send. Harnesses send these codes and no English;
 * `src/verify/words.ts` owns every sentence. A test checks both harnesses against these lists.
 */

/**
 * A run of a snippet ends in exactly one verdict:
 * - `completed` returned normally within the timeout (exit 0);
 * - `raised`    an uncaught error or failed assertion;
 * - `deadlock`  proven stuck (a wait-for cycle, a quiescent loop with waiters left, or threads
 *               blocked for good);
 * - `timeout`   did not finish within the timeout and no proof was found.
 */
export const VERDICTS = ['completed', 'raised', 'deadlock', 'timeout'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How a `deadlock` or `timeout` verdict was reached; `null` for `completed` and `raised`. */
export const DETECTORS = ['cycle', 'quiescence', 'watchdog', 'timeout'] as const;
export type DetectedBy = (typeof DETECTORS)[number];

/**
 * Why a witness was taken: the shape of the proof.
 * - `wait-cycle`       a cycle in the wait-for graph (a task waiting for itself included);
 * - `quiescent-loop`   an event loop with nothing left to run (no ready callbacks, timers, I/O or
 *                      busy threads) while tasks still wait;
 * - `threads-blocked`  every thread that could wake the waiters is itself blocked for good or gone;
 * - `loop-thread-blocked` an event-loop thread is blocked in a synchronous wait that only that
 *                      loop could end (Future.result() on its own loop, a thread lock held by one
 *                      of its suspended coroutines);
 * - `timeout`          main() had not returned in time and no proof was found.
 */
export const REASONS = ['wait-cycle', 'quiescent-loop', 'threads-blocked', 'loop-thread-blocked', 'timeout'] as const;
export type Reason = (typeof REASONS)[number];

/** The detector each reason belongs to (a reason is never sent with another detector). */
export const DETECTOR_OF_REASON: Readonly<Record<Reason, readonly DetectedBy[]>> = {
	'wait-cycle': ['cycle', 'watchdog'],
	'quiescent-loop': ['quiescence'],
	'threads-blocked': ['watchdog'],
	'loop-thread-blocked': ['watchdog', 'cycle'],
	timeout: ['timeout'],
};

/**
 * What a task can wait on. Lock-like kinds have holders; the others have wakers (who could set,
 * fill, drain or complete them).
 */
export const RESOURCE_KINDS = [
	'lock', // asyncio.Lock, threading.Lock, async-mutex Mutex
	'rlock', // threading.RLock
	'semaphore', // asyncio/threading (Bounded)Semaphore, async-mutex Semaphore
	'condition', // asyncio/threading Condition
	'event', // asyncio/threading Event
	'queue', // asyncio Queue/LifoQueue/PriorityQueue, queue.Queue
	'barrier', // threading.Barrier
	'future', // asyncio.Future, concurrent.futures.Future, a Promise only a blocked section can settle
	'task', // an asyncio task awaited by another, a gather/wait/TaskGroup
	'thread', // Thread.join
	'executor', // a worker pool whose workers are all busy (a job waiting for a job behind it)
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** What a waiter is doing on a resource (waits edges), or what a waker would do (can-wake edges). */
export const WAIT_OPS = [
	'acquire', // lock, rlock, semaphore (and Condition's lock)
	'wait', // event, condition (wait / wait_for), barrier
	'get', // queue empty
	'put', // queue full
	'join', // queue.join (unfinished tasks), Thread.join
	'result', // Future.result(), await future/task/promise
	'release', // can-wake: lock holder, semaphore holder
	'set', // can-wake: Event.set
	'notify', // can-wake: Condition.notify
	'task_done', // can-wake: queue consumer
	'complete', // can-wake: who could complete a future (a task, a thread, a loop, a worker)
	'run', // can-wake: the executor worker / loop that would run a queued job
] as const;
export type WaitOp = (typeof WAIT_OPS)[number];

/** A task's or thread's state in a witness. */
export const TASK_STATES = ['waiting', 'blocked', 'running', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** How a holder that no longer runs the code that took a lock got there (a leaked lock). */
export const LEAKS = ['owner-finished', 'owner-raised', 'owner-cancelled', 'frame-returned', 'frame-raised'] as const;
export type Leak = (typeof LEAKS)[number];

/** The verdicts a failure snippet may be declared to reach ("it does not finish"). */
export function isFailureVerdict(verdict: Verdict): boolean {
	return verdict === 'deadlock' || verdict === 'timeout';
}
