/**
 * The cycle detector (Mutex and Semaphore alike): probes each request that has to wait and was made inside a running
 * runExclusive section, right after the code that made it had the chance to await it, then again
 * with backoff (an await can come later), and looks for a cycle in the wait-for graph after every
 * round. Its timers are unref'd: they never keep the process alive, so they cannot hide
 * quiescence.
 */
import { isWithin } from './contexts.ts';
import { holderAwaits, type FrameFilter } from './holder-frames.ts';
import type { Holding, LockRegistry, LockRequest } from './lock-registry.ts';
import type { RawFrame } from './stack.ts';
import { probe } from './probes.ts';
import { unrefOwn } from './unref-tracker.ts';
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
	/** A timer started by the holder's flow since its grant is pending (it may hold the release function). */
	leasePending: (holding: Holding) => boolean;
}

/** For each acquire() holding, the pending request its holder's activation is proven to await (innermost match first). */
export function awaitedByHolders(registry: LockRegistry, matching: HolderMatching | null): Map<Holding, LockRequest> {
	const byHolding = new Map<Holding, LockRequest>();
	if (!matching) return byHolding;
	const holdings = registry.acquireHoldings().filter((h) => h.grantedChain && !matching.leasePending(h));
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
	/**
	 * True when main() itself awaits an agent of `proof` through links that only the stuck agents
	 * could end (plain awaits, `Promise.allSettled`): then main() can never finish. A knot of
	 * fire-and-forget work, or one main() reaches through `Promise.all`/`race`, proves nothing
	 * about main() by itself (quiescence still can).
	 */
	mainAwaits(proof: CycleProof): boolean;
	/** Stops probing (after a verdict). */
	stop(): void;
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

const BACKOFF_MS = [5, 20, 80, 250, 500, 1000];
const MAX_PROBES_PER_ROUND = 500;

/** Starts probing the registry's waiting requests; `onProof` gets the first cycle found. */
export function startDetector(registry: LockRegistry, onProof: (proof: CycleProof) => void, matching: HolderMatching | null = null): Detector {
	let stopped = false;
	let fresh = new Set<LockRequest>();
	let immediate: NodeJS.Immediate | null = null;
	let backoff: NodeJS.Timeout | null = null;
	let backoffStep = 0;

	const waiting = () => registry.activeLocks().flatMap((l) => [...l.requests].filter((r) => r.pending && r.blocked));
	// Only a request made inside a running section, or in the context of an acquire() holder, can
	// close a cycle right away (the section or holder awaiting it); others are probed at
	// quiescence and timeout, which keeps busy programs fast.
	const sectionOf = (request: LockRequest) => {
		for (const s of registry.sections.values()) if (isWithin(request.context, s.context)) return s;
		return undefined;
	};
	// Only holdings handed out by acquire() have a granted chain, and holdsByHand() counts those not yet released.
	const holderOf = (request: LockRequest) =>
		matching && registry.holdsByHand()
			? registry.acquireHoldings().find((h) => h.grantedChain && isWithin(request.context, h.context) && request.id > h.grantedAfterRequest!)
			: undefined;
	const candidate = (request: LockRequest) => sectionOf(request) !== undefined || holderOf(request) !== undefined;
	let matched = new Set<LockRequest>();
	const unresolved = () => waiting().filter((r) => {
		const section = sectionOf(r);
		if (section !== undefined && !r.awaitedBy.includes(section.id)) return true;
		return section === undefined && holderOf(r) !== undefined && !matched.has(r);
	});

	const findProof = (): CycleProof | null => {
		const requests = awaitedRequests(registry);
		const byHolders = awaitedByHolders(registry, matching);
		matched = new Set(byHolders.values());
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
			holders: [...l.holdings].map((h) => (h.section ? (registry.sections.has(h.section.id) ? h.section.id : null) : byHolders.has(h) ? -h.id : null)),
			free: l.free(),
			provable: l.provable,
		}));
		const steps = findCycle(sections, locks);
		if (!steps) return null;
		return { steps, requests: new Map(steps.map((s) => [s.section, requests.get(s.section)!])) };
	};

	const mainAwaits = (proof: CycleProof): boolean => {
		if (!matching) return false;
		for (const request of proof.requests.values()) {
			for (const f of request.probed?.() ?? []) {
				if (f.native && f.async && f.function !== 'Promise.allSettled') break; // Promise.all / any: a sibling can end it
				if (f.async && !f.native && matching.isMain(f)) return true;
			}
		}
		return false;
	};

	const round = async (requests: LockRequest[]) => {
		try {
			await Promise.all(requests.slice(0, MAX_PROBES_PER_ROUND).map(probe));
			if (stopped) return;
			const proof = findProof();
			if (proof && mainAwaits(proof)) {
				stopped = true;
				onProof(proof);
				return;
			}
			scheduleBackoff();
		} catch (error) {
			// A bug here must not look like the snippet's error: stop proving, quiescence and timeout remain.
			stopped = true;
			process.stderr.write(`trap-catalog harness: cycle detection stopped: ${(error as Error).stack ?? String(error)}\n`);
		}
	};

	const scheduleBackoff = () => {
		if (stopped || backoff || unresolved().length === 0) return;
		const ms = BACKOFF_MS[Math.min(backoffStep++, BACKOFF_MS.length - 1)];
		backoff = setTimeout(() => {
			backoff = null;
			void round(unresolved());
		}, ms);
		unrefOwn(backoff);
	};

	registry.onBlocked = (request) => {
		if (stopped || !candidate(request)) return;
		fresh.add(request);
		backoffStep = 0;
		// After the code that made the request has run on and awaited it (or not).
		immediate ??= setImmediate(() => {
			immediate = null;
			const batch = [...fresh];
			fresh = new Set();
			void round(batch);
		});
	};

	return {
		probeAll: async () => {
			await Promise.all(waiting().map(probe));
		},
		findProof,
		mainAwaits,
		stop() {
			stopped = true;
			if (immediate) clearImmediate(immediate);
			if (backoff) clearTimeout(backoff);
		},
	};
}
