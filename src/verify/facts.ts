/**
 * The facts a harness reports about a stuck (or timed-out) run: protocol version 2 of the
 * witness. Harnesses send only these structured facts — ids, names, codes, places — and never
 * English; `src/verify/words.ts` turns them into the one report the CLI, the JSON, the pages and
 * the exports share. Every code comes from `src/verify/vocabulary.ts`.
 *
 * The graph: an agent (task, thread, async context) `waits` on a resource; a resource is
 * `held-by` an agent (locks, semaphores) or `can-wake` lists who could set, fill, drain or
 * complete it. A deadlock proof is a cycle through these edges, or a set of waiters whose every
 * possible waker is itself stuck or gone.
 */
import type { Leak, Reason, ResourceKind, TaskState, WaitOp } from './vocabulary.ts';

/** One frame of a call or await chain. */
export interface Frame {
	/** Function name as the runtime reports it, e.g. `Store.rebuild` or `rebuild`. */
	function: string;
	/**
	 * The snippet's own files relative to the snippet's folder (`workload.py`, `lib/pool.ts`);
	 * library frames by module (`asyncio/locks.py`, `async-mutex/lib/Mutex.js`, `node:internal/…`).
	 * Never an absolute path of the machine.
	 */
	file: string;
	/** 1-based line. */
	line: number;
}

/** A task, thread or async context the witness mentions. */
export interface WitnessTask {
	/** Unique within the witness, e.g. `task:caller-7`, `thread:MainThread`, `ctx:3`. */
	id: string;
	kind: 'task' | 'thread' | 'async-context';
	/** The name a developer would recognise (asyncio task name, thread name, section name). */
	name: string;
	state: TaskState;
	/** How a `done` task ended. */
	ended?: 'returned' | 'raised' | 'cancelled';
	/** Whole call or await chain, outermost first (`main` … `Lock.acquire`); empty when done. */
	chain: Frame[];
	/** For asyncio tasks: the name of the thread whose event loop runs them. */
	thread?: string;
	/** For a thread running an event loop: the id of the task it is running now, if any. */
	runningTask?: string;
	/** True for the thread that runs an event loop (Python) or the main JS thread (Node). */
	loopThread?: boolean;
}

/** Who holds a lock-like resource (lock, rlock, semaphore permit, condition's lock). */
export interface Holding {
	/** Task id of the holder. */
	agent: string;
	/** The holder's chain at the moment it acquired, outermost first; its last frame is the place. */
	acquiredAt: Frame[];
	/** Reentrant depth (rlock) or permits held (semaphore); 1 when absent. */
	count?: number;
	/** Set when the holder no longer runs the code that took it: the lock leaked. */
	leaked?: Leak;
	/**
	 * For a thread lock held by a thread that runs an event loop: the task that took it. When that
	 * task is suspended at an `await`, only the loop could resume it to release the lock.
	 */
	task?: string;
}

/** Kind-specific state of a resource, as far as the harness can read it. */
export interface ResourceState {
	/** Event: is it set. */
	set?: boolean;
	/** Queue: items in it now, and its bound (0 or absent = unbounded). */
	size?: number;
	maxsize?: number;
	/** Queue.join: items put but not yet marked done. */
	unfinished?: number;
	/** Semaphore: permits free now, and the initial/bounded value. */
	value?: number;
	initial?: number;
	/** Barrier: parties needed, and how many are waiting. */
	parties?: number;
	/** Future/task/promise: already done. */
	done?: boolean;
	/** Executor: workers, and how many are busy. */
	workers?: number;
	busy?: number;
	/** Condition: notifications delivered while no one was waiting (a lost wakeup). */
	lostNotifies?: number;
}

/** A resource in the wait-for graph. */
export interface WitnessResource {
	/** Unique within the witness, e.g. `lock:1`, `queue:jobs`. */
	id: string;
	kind: ResourceKind;
	/** Readable name from where it was created: `Store._lock`, `jobs`, `ready`. */
	name: string;
	/** The runtime's class: `asyncio.Lock`, `threading.RLock`, `asyncio.Queue`, `Mutex` (async-mutex). */
	type: string;
	/** Where it was created. */
	createdAt?: Frame;
	/** Lock-like resources: who holds them now (empty: free). */
	holders?: Holding[];
	/** Task ids waiting, in queue order. */
	waiters: string[];
	state?: ResourceState;
}

/** One edge of the wait-for graph. */
export interface WaitEdge {
	/** `waits`: agent → resource; `held-by`, `can-wake`: resource → agent. */
	relation: 'waits' | 'held-by' | 'can-wake';
	from: string;
	to: string;
	/** What the waiter does (`acquire`, `get`, `put`, `result`…) or the waker would do (`release`, `set`, `get`…). */
	op: WaitOp;
	/** Where: the waiter's innermost user frame, or where the holder acquired. */
	at?: Frame;
}

/** Why a run is stuck, or what it was doing when it timed out: facts only. */
export interface Witness {
	/** The shape of the proof. */
	reason: Reason;
	/** The wait-for cycle as alternating ids `[agent, resource, agent, resource, …]`, closing on the first agent; null without one. */
	cycle: string[] | null;
	/** Tasks and threads, those of the cycle (or closest to the cause) first. */
	tasks: WitnessTask[];
	resources: WitnessResource[];
	edges: WaitEdge[];
	/** Tasks left out to keep the witness bounded. */
	omittedTasks?: number;
	/** For `timeout`: the timeout in ms that ran out. */
	timeoutMs?: number;
}

/** A place where one lock class was taken while another was held. */
export interface LockOrder {
	/** Name of the task or thread that did it. */
	task: string;
	holding: { lock: string; at: string };
	took: { lock: string; at: string };
}

/**
 * A lock-order inversion seen in a run (lockdep-style, by lock class = readable name): the locks
 * involved and, for each direction, one place where it happened. Reported even when the run
 * completed: it is a deadlock waiting for the wrong interleaving.
 */
export interface PotentialDeadlock {
	locks: string[];
	orders: LockOrder[];
}
