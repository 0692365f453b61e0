/**
 * The wait-for graph between runExclusive sections: a section holds its lock (a Mutex, or some
 * permits of a Semaphore) and may be suspended awaiting one pending request for another (or the
 * same) lock. A set of sections in which each awaits a lock that has too few free permits and
 * whose every holder is itself in the set can never untie (a knot): no holder can finish, so no
 * permit comes back. For a Mutex the knot is a cycle; with a Semaphore every permit holder must be
 * stuck, not just one.
 */

/** A section (or an acquire() holder's activation, with a negative id) as the graph sees it. */
export interface SectionNode {
	id: number;
	/** The lock of the pending request its runner is proven to be awaiting, if any. */
	awaits: string | null;
	/** Permits that request needs (1 for a Mutex). */
	needs: number;
}

/** A lock as the graph sees it. */
export interface LockNode {
	id: string;
	/** Holder of each holding: a section id, an acquire() holder recognised as awaiting a request (negative), or null (anyone could release it). */
	holders: (number | null)[];
	/** Permits free now. */
	free: number;
	/** False when holdings cannot be trusted (see LockRecord.provable). */
	provable: boolean;
}

/** One step of a cycle: `section` waits for `lock`, held by the next step's section. */
export interface CycleStep {
	section: number;
	waitsFor: string;
}

/**
 * The sections that can never finish: the largest set in which each section awaits a provable
 * lock with fewer free permits than it needs, held only by sections of the set.
 */
export function findKnot(sections: SectionNode[], locks: LockNode[]): Set<number> {
	const lockById = new Map(locks.map((l) => [l.id, l]));
	const stuck = new Set(sections.filter((s) => s.awaits !== null).map((s) => s.id));
	const byId = new Map(sections.map((s) => [s.id, s]));
	for (let changed = true; changed; ) {
		changed = false;
		for (const id of stuck) {
			const s = byId.get(id)!;
			const lock = lockById.get(s.awaits!);
			const held = lock && lock.provable && lock.holders.length > 0 && lock.free < s.needs && lock.holders.every((h) => h !== null && stuck.has(h));
			if (!held) {
				stuck.delete(id);
				changed = true;
			}
		}
	}
	return stuck;
}

/**
 * A cycle section → lock → holding section → … back to the first, through the knot (see
 * {@link findKnot}), or null when no section is stuck. Starts at the oldest stuck section and
 * follows the oldest holder, so the cycle a reader sees is stable.
 */
export function findCycle(sections: SectionNode[], locks: LockNode[]): CycleStep[] | null {
	const knot = findKnot(sections, locks);
	if (!knot.size) return null;
	const byId = new Map(sections.map((s) => [s.id, s]));
	const lockById = new Map(locks.map((l) => [l.id, l]));
	const path: CycleStep[] = [];
	const onPath = new Map<number, number>();
	// The oldest section first (acquire() holders have negative ids and come after sections).
	const order = (a: number, b: number) => (a > 0) !== (b > 0) ? (a > 0 ? -1 : 1) : Math.abs(a) - Math.abs(b);
	const first = (ids: number[]) => [...ids].sort(order)[0];
	let current = first([...knot]);
	while (!onPath.has(current)) {
		const lock = lockById.get(byId.get(current)!.awaits!)!;
		onPath.set(current, path.length);
		path.push({ section: current, waitsFor: lock.id });
		// Prefer a holder not yet on the path: with a Semaphore, the cycle then shows every stuck holder.
		const holders = lock.holders as number[];
		const fresh = holders.filter((h) => !onPath.has(h));
		current = first(fresh.length ? fresh : holders);
	}
	return path.slice(onPath.get(current));
}
