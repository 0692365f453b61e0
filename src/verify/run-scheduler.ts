/**
 * How many runs go at once. Two kinds of run share the machine:
 * - runs that compute (every detection-on run, solution workloads): bounded by the cores, so that
 *   a solution is never starved into missing its timeout by its neighbours;
 * - detection-off runs of failure programs, which sleep until their timeout once stuck: many at
 *   once, in their own pool, but each holds a CPU slot while it starts (interpreter start, imports,
 *   the work before it gets stuck), because that part does compute and a start starved past the
 *   load timeout would turn the contract's `timeout` into a spurious failure.
 */
import { availableParallelism } from 'node:os';
import { runSnippet, type RunOptions, type RunResult } from './run-snippet.ts';

/**
 * A counting semaphore whose urgent waiters go first. A request for several slots is granted all
 * at once (never piecemeal: two exclusive runs each holding half the slots would wait forever).
 */
export class Slots {
	readonly size: number;
	private free: number;
	private readonly queue: Array<{ n: number; urgent: boolean; grant: () => void }> = [];
	constructor(size: number) {
		this.size = size;
		this.free = size;
	}
	/** Resolves once `n` slots are taken together (`n` = size for an exclusive run). */
	take(n = 1, urgent = false): Promise<void> {
		return new Promise((grant) => {
			const request = { n: Math.min(n, this.size), urgent, grant };
			const at = urgent ? this.queue.findIndex((r) => !r.urgent) : -1;
			if (at === -1) this.queue.push(request);
			else this.queue.splice(at, 0, request);
			this.pump();
		});
	}
	give(n = 1): void {
		this.free += Math.min(n, this.size);
		this.pump();
	}
	private pump(): void {
		while (this.queue.length && this.queue[0].n <= this.free) {
			const next = this.queue.shift()!;
			this.free -= next.n;
			next.grant();
		}
	}
}

export interface SchedulerOptions {
	/** Runs that compute at once; default: the cores (`os.availableParallelism()`). */
	cpu?: number;
	/** Detection-off runs of failure programs sleeping at once; default 8 per core, at least 8. */
	sleepers?: number;
}

/** What {@link RunScheduler.run} should know about a run. */
export type RunKind =
	/** Computes for most of its run. */
	| 'cpu'
	/** Gets stuck early and then sleeps into its timeout (detection-off run of a failure program). */
	| 'sleep'
	/** Computes, alone on the machine: a re-run after a timeout under load. */
	| 'exclusive';

/** Bounded pools for snippet runs, shared by every trap verified in one process. */
export class RunScheduler {
	readonly cpu: Slots;
	readonly sleepers: Slots;
	constructor(options: SchedulerOptions = {}) {
		const cores = options.cpu ?? availableParallelism();
		this.cpu = new Slots(Math.max(1, cores));
		this.sleepers = new Slots(Math.max(1, options.sleepers ?? Math.max(8, 8 * cores)));
	}

	/** Runs `file` when its pool has room; see the module comment for what each kind holds. */
	async run(file: string, options: RunOptions, kind: RunKind): Promise<RunResult> {
		if (kind === 'sleep') {
			await this.sleepers.take();
			// Starting is computing: take a CPU slot ahead of queued computing runs, free it once main() runs.
			await this.cpu.take(1, true);
			let cpuHeld = true;
			const freeCpu = () => {
				if (cpuHeld) this.cpu.give();
				cpuHeld = false;
			};
			try {
				return await runSnippet(file, { ...options, onStarted: () => (options.onStarted?.(), freeCpu()) });
			} finally {
				freeCpu();
				this.sleepers.give();
			}
		}
		const n = kind === 'exclusive' ? this.cpu.size : 1;
		await this.cpu.take(n, kind === 'exclusive');
		try {
			return await runSnippet(file, options);
		} finally {
			this.cpu.give(n);
		}
	}
}
