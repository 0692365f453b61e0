/**
 * The wait-for graph (Mutex and Semaphore alike) and the cycle through its knot of stuck agents:
 * what a deadlock found at quiescence is made of, and what a timeout's witness shows.
 */
import { holderAwaits, type FrameFilter } from './holder-frames.ts';
import type { Holding, LockRegistry, LockRequest } from './lock-registry.ts';
import type { RawFrame } from './stack.ts';
import { probe } from './probes.ts';
import { findCycle, type CycleStep, type LockNode, type SectionNode } from './wait-graph.ts';

/**
 * A proven cycle, with the request each agent in it is awaiting. An agent is a runExclusive
 * section (its id) or the activation holding an acquire() holding (minus the holding's id).
 */
export interface CycleProof {
	steps: CycleStep[];
	/** For each agent in the cycle, the pending request it awaits. */
	requests: Map<number, LockRequest>;
}

/** How the detector recognises acquire() holders in await chains (see holder-frames.ts). */
export interface HolderMatching {
	keep: FrameFilter;
	isMain: (frame: RawFrame) => boolean;
}

/** For each acquire() holding, the pending request its holder's activation is proven to await (innermost match first). */
export function awaitedByHolders(registry: LockRegistry, matching: HolderMatching | null): Map<Holding, LockRequest> {
	const byHolding = new Map<Holding, LockRequest>();
	if (!matching) return byHolding;
	const holdings = registry.acquireHoldings().filter((h) => h.grantedChain);
	if (!holdings.length) return byHolding;
	for (const lock of registry.activeLocks()) {
		for (const request of lock.requests) {
			if (!request.pending || !request.probed) continue;
			for (const h of holdings) if (!byHolding.has(h) && holderAwaits(h, request, matching.keep, matching.isMain)) byHolding.set(h, request);
		}
	}
	return byHolding;
}

export interface Detector {
	/** Probes every waiting request (for a fresh witness) and resolves when all have answered. */
	probeAll(): Promise<void>;
	/** The cycle in the wait-for graph right now, from the latest probes; null without one. */
	findProof(): CycleProof | null;
}

/** For each running section, the pending request its runner is proven to await. */
export function awaitedRequests(registry: LockRegistry): Map<number, LockRequest> {
	const bySection = new Map<number, LockRequest>();
	for (const lock of registry.activeLocks()) {
		for (const request of lock.requests) {
			if (!request.pending) continue;
			for (const id of request.awaitedBy) if (registry.sections.has(id) && !bySection.has(id)) bySection.set(id, request);
		}
	}
	return bySection;
}

/**
 * The wait-for graph of the registry, read when the harness asks: at quiescence (the verdict) and
 * at the timeout (the witness). It never claims a deadlock by itself. While anything else can
 * still run (a timer, an interval, I/O, a child process), that code may call `mutex.release()`,
 * `cancel()`, `semaphore.release()` or a release function it was handed, and dissolve a cycle:
 * async-mutex lets anyone release, unlike a Java monitor. Only quiescence rules that out.
 */
export function createDetector(registry: LockRegistry, matching: HolderMatching | null = null): Detector {
	const waiting = () => registry.activeLocks().flatMap((l) => [...l.requests].filter((r) => r.pending && r.blocked));

	const findProof = (): CycleProof | null => {
		const requests = awaitedRequests(registry);
		const byHolders = awaitedByHolders(registry, matching);
		const sections: SectionNode[] = [...registry.sections.values()].map((s) => {
			const r = requests.get(s.id);
			return { id: s.id, awaits: r?.lock.id ?? null, needs: r?.weight ?? 1 };
		});
		for (const [h, r] of byHolders) {
			sections.push({ id: -h.id, awaits: r.lock.id, needs: r.weight });
			requests.set(-h.id, r);
		}
		const locks: LockNode[] = registry.activeLocks().map((l) => ({
			id: l.id,
			holders: [...l.holdings].map((h) => (h.section ? (registry.sections.get(h.section.id) === h.section ? h.section.id : null) : byHolders.has(h) ? -h.id : null)),
			free: l.free(),
			provable: l.provable,
		}));
		const steps = findCycle(sections, locks);
		if (!steps) return null;
		return { steps, requests: new Map(steps.map((s) => [s.section, requests.get(s.section)!])) };
	};

	return {
		probeAll: async () => {
			await Promise.all(waiting().map(probe));
		},
		findProof,
	};
}
