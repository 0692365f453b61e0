/**
 * The wait-for graph between runExclusive sections: a section holds one lock and may be suspended
 * awaiting one pending request for another (or the same) lock. A cycle of such edges can never
 * untie: each section needs the next one to finish first.
 */

/** A section as the graph sees it. */
export interface SectionNode {
	id: number;
	/** The lock it holds. */
	holds: string;
	/** The lock of the pending request its runner is proven to be awaiting, if any. */
	awaits: string | null;
}

/** A lock as the graph sees it. */
export interface LockNode {
	id: string;
	/** The section holding it, or null (free, or held by an acquire() caller, who could release it anywhere). */
	heldBySection: number | null;
	/** False when ownership cannot be trusted (see LockRecord.provable). */
	provable: boolean;
}

/** One step of a cycle: `section` waits for `lock`, held by the next step's section. */
export interface CycleStep {
	section: number;
	waitsFor: string;
}

/**
 * A cycle section → lock → holding section → … back to the first, or null. Sections are tried in
 * id order, so the oldest stuck section leads the cycle.
 */
export function findCycle(sections: SectionNode[], locks: LockNode[]): CycleStep[] | null {
	const byId = new Map(sections.map((s) => [s.id, s]));
	const lockById = new Map(locks.map((l) => [l.id, l]));
	const explored = new Set<number>();
	for (const start of [...sections].sort((a, b) => a.id - b.id)) {
		const path: CycleStep[] = [];
		const onPath = new Map<number, number>();
		let current: SectionNode | undefined = start;
		while (current && !explored.has(current.id)) {
			if (onPath.has(current.id)) return path.slice(onPath.get(current.id));
			if (current.awaits === null) break;
			const lock = lockById.get(current.awaits);
			if (!lock || !lock.provable || lock.heldBySection === null) break;
			onPath.set(current.id, path.length);
			path.push({ section: current.id, waitsFor: lock.id });
			current = byId.get(lock.heldBySection);
		}
		for (const step of path) explored.add(step.section);
		explored.add(start.id);
	}
	return null;
}
