/**
 * Lock order, lockdep-style: every time a lock is taken while the same flow holds another, the
 * pair (held class → taken class) is recorded once, with who did it and both places. A class is
 * the lock's readable name (`Store.lock`, `Pool.mutex`), not the instance. When both directions
 * of a pair have been seen, the run has a potential deadlock, even if it completed: another
 * interleaving of the same code deadlocks.
 *
 * "Held by the same flow" is exact for runExclusive sections (their contexts nest). For acquire()
 * holdings the harness cannot tell activations of one function apart, so a holding counts only
 * when the taking request's stack runs through the very frame that acquired it: same function
 * and file, the same callers outward line by line, and made after the holding was granted.
 * Pairs of one class with itself are not reported (instances of one class taken in a consistent
 * order, such as by account id, would look inverted). Semaphores take no part: like lockdep,
 * which leaves counting semaphores out, a permit is often handed on (a pool, a signal), so
 * "held while taking" says nothing about who waits for whom.
 */
import type { Frame, LockOrder, PotentialDeadlock } from '../facts.ts';
import type { TaskContext } from './contexts.ts';
import type { Holding, LockRecord } from './lock-registry.ts';
import type { RawFrame } from './stack.ts';

export interface LockOrderLog {
	/**
	 * `holding` was just granted to request number `requestId`, made in `requestContext`; `lastRequestId`
	 * is the number of the latest request made by anyone (the clock of grants).
	 */
	taken(holding: Holding, requestContext: TaskContext, requestId: number, lastRequestId: number): void;
	/** `holding` was released. */
	released(holding: Holding): void;
	/** The inversions seen so far, each with one place per direction. */
	potentialDeadlocks(): PotentialDeadlock[];
}

const NONE: Holding[] = [];

/** Makes an empty log; `label` names a lock's class, `userFrames` keeps the program's own frames (innermost first). */
export function createLockOrder(label: (record: LockRecord) => string, innermost: (frames: RawFrame[]) => Frame | null, userFrames: (frames: RawFrame[]) => RawFrame[] = (f) => f): LockOrderLog {
	/** The section holding of each section context. */
	const sectionHeld = new Map<TaskContext, Holding>();
	/** acquire() holdings not yet released, with the moment they were granted. */
	const acquireHeld = new Map<Holding, number>();
	/** `held\0taken` → the first place it happened. */
	const pairs = new Map<string, LockOrder>();
	const inversions = new Map<string, PotentialDeadlock>();

	const place = (frames: RawFrame[]) => {
		const f = innermost(frames);
		return f ? `${f.file}:${f.line}` : 'an unknown place';
	};
	const sameFrame = (a: RawFrame, b: RawFrame) => a.function === b.function && a.file === b.file;
	/** The taking stack runs through the frame that acquired `held`, with the same callers outward. */
	const throughHolder = (held: Holding, taking: RawFrame[]) => {
		const h = userFrames(held.requestedBy());
		if (!h.length) return false;
		const outer = h.slice(1);
		for (let k = 0; k < taking.length; k++) {
			if (!sameFrame(taking[k], h[0])) continue;
			const rest = taking.slice(k + 1);
			if (rest.length === outer.length && rest.every((f, i) => sameFrame(f, outer[i]) && f.line === outer[i].line)) return true;
		}
		return false;
	};

	const heldBy = (requestContext: TaskContext, taking: Holding, requestId: number): Holding[] => {
		const held: Holding[] = [];
		for (let c: TaskContext | null = requestContext; c; c = c.parent) {
			const h = sectionHeld.get(c);
			if (h && !h.released) held.push(h);
		}
		if (acquireHeld.size) {
			let frames: RawFrame[] | null = null;
			for (const [h, grantedAt] of acquireHeld) {
				// Requested before `h` was granted: not by the activation holding it (it was still waiting).
				if (h.lock === taking.lock || requestId <= grantedAt) continue;
				let within = false;
				for (let c: TaskContext | null = requestContext; c && !within; c = c.parent) within = c === h.context;
				if (!within) continue;
				frames ??= userFrames(taking.requestedBy());
				if (throughHolder(h, frames)) held.push(h);
			}
		}
		return held;
	};

	return {
		taken(holding, requestContext, requestId, lastRequestId) {
			if (holding.lock.type !== 'Mutex') return;
			// Nothing held anywhere (the common case: one lock at a time): nothing to pair with.
			const held = sectionHeld.size || acquireHeld.size ? heldBy(requestContext, holding, requestId) : NONE;
			if (holding.section) sectionHeld.set(holding.context, holding);
			else acquireHeld.set(holding, lastRequestId);
			if (!held.length) return;
			const taken = label(holding.lock);
			for (const h of held) {
				const heldName = label(h.lock);
				if (heldName === taken) continue;
				const key = `${heldName}\0${taken}`;
				if (pairs.has(key)) continue;
				const order: LockOrder = {
					task: holding.name,
					holding: { lock: heldName, at: place(h.requestedBy()) },
					took: { lock: taken, at: place(holding.requestedBy()) },
				};
				pairs.set(key, order);
				const reverse = pairs.get(`${taken}\0${heldName}`);
				const id = [heldName, taken].sort().join('\0');
				if (reverse && !inversions.has(id)) inversions.set(id, { locks: [reverse.holding.lock, reverse.took.lock], orders: [reverse, order] });
			}
		},
		released(holding) {
			if (holding.section) sectionHeld.delete(holding.context);
			else acquireHeld.delete(holding);
		},
		potentialDeadlocks: () => [...inversions.values()],
	};
}
