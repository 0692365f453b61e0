/**
 * Timers the program started after an acquire() holder got its lock. A holder may hand its
 * release function to a timer (a lease: `setTimeout(release, 20)`, or a closure that calls it),
 * and then the lock comes free although the holder itself waits. While such a timer is pending, no
 * cycle is claimed through that holder (holder-frames.ts); once it has run, the lock still held
 * says it did not free it. Only recorded while some acquire() holding exists, so programs that
 * use runExclusive pay nothing.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { currentContext, isWithin, type TaskContext } from './contexts.ts';

interface Pending {
	context: TaskContext;
	/** The registry clock when it was started. */
	at: number;
	alive: () => boolean;
}

export interface TimerWatch {
	/** A timer started in `context` (or a flow started from it) at or after clock `since` is still pending. */
	pendingSince(context: TaskContext, since: number): boolean;
}

/** Handles of the harness's own timers (see unref-tracker.ts's unrefOwn): never the program's. */
export const OWN_TIMERS = new WeakSet<object>();

/** Starts watching; `recording()` says whether anyone needs it now, `clock()` is the registry's clock. */
export function watchTimers(recording: () => boolean, clock: () => number): TimerWatch {
	const pending: Pending[] = [];
	const record = (alive: () => boolean) => pending.push({ context: currentContext(), at: clock(), alive });
	const load = createRequire(import.meta.url);
	const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
	const timers = load('node:timers') as Record<string, (...args: unknown[]) => unknown>;
	for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
		const original = g[name];
		const watched = function (this: unknown) {
			const handle = original.apply(this, arguments as unknown as unknown[]) as { _destroyed?: boolean };
			if (recording()) {
				const ref = new WeakRef(handle);
				record(() => {
					const h = ref.deref();
					return h !== undefined && !OWN_TIMERS.has(h) && h._destroyed === false;
				});
			}
			return handle;
		};
		Object.defineProperty(watched, 'name', { value: name });
		g[name] = watched;
		if (timers[name] === original) timers[name] = watched; // `import { setTimeout } from 'node:timers'`
	}
	const timersPromises = load('node:timers/promises') as Record<string, unknown> & { scheduler?: Record<string, unknown> };
	const wrap = (owner: Record<string, unknown> | undefined, name: string) => {
		const original = owner?.[name] as ((...args: unknown[]) => unknown) | undefined;
		if (!owner || typeof original !== 'function') return;
		// `arguments` rather than a rest parameter: this runs on every `await setImmediate()`.
		owner[name] = function (this: unknown) {
			const result = original.apply(this, arguments as unknown as unknown[]);
			if (recording() && result instanceof Promise) {
				let done = false;
				result.then(() => (done = true), () => (done = true));
				record(() => !done);
			}
			return result;
		};
	};
	wrap(timersPromises, 'setTimeout');
	wrap(timersPromises, 'setImmediate');
	wrap(timersPromises.scheduler, 'wait');
	syncBuiltinESMExports();

	return {
		pendingSince(context, since) {
			for (let i = pending.length - 1; i >= 0; i--) if (!pending[i].alive()) pending.splice(i, 1);
			return pending.some((p) => p.at >= since && isWithin(p.context, context));
		},
	};
}
