/**
 * The cycle detector (Mutex and Semaphore alike): probes each request that has to wait and was made inside a running
 * runExclusive section, right after the code that made it had the chance to await it, then again
 * with backoff (an await can come later), and looks for a cycle in the wait-for graph after every
 * round. Its timers are unref'd: they never keep the process alive, so they cannot hide
 * quiescence.
 */
import { isWithin } from './contexts.ts';
import type { LockRegistry, LockRequest } from './lock-registry.ts';
import { probe } from './probes.ts';
import { unrefOwn } from './unref-tracker.ts';
import { findCycle, type CycleStep, type LockNode, type SectionNode } from './wait-graph.ts';

/** A proven cycle, with the request each section in it is awaiting. */
export interface CycleProof {
	steps: CycleStep[];
	/** For each section in the cycle, the pending request its runner awaits. */
	requests: Map<number, LockRequest>;
}

export interface Detector {
	/** Probes every waiting request (for a fresh witness) and resolves when all have answered. */
	probeAll(): Promise<void>;
	/** The cycle in the wait-for graph right now, from the latest probes; null without one. */
	findProof(): CycleProof | null;
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
export function startDetector(registry: LockRegistry, onProof: (proof: CycleProof) => void): Detector {
	let stopped = false;
	let fresh = new Set<LockRequest>();
	let immediate: NodeJS.Immediate | null = null;
	let backoff: NodeJS.Timeout | null = null;
	let backoffStep = 0;

	const waiting = () => registry.activeLocks().flatMap((l) => [...l.requests].filter((r) => r.pending && r.blocked));
	// Only a request made inside a running section can close a cycle right away (the section
	// awaiting it); others are probed at quiescence and timeout, which keeps busy programs fast.
	const sectionOf = (request: LockRequest) => [...registry.sections.values()].find((s) => isWithin(request.context, s.context));
	const unresolved = () => waiting().filter((r) => {
		const section = sectionOf(r);
		return section !== undefined && !r.awaitedBy.includes(section.id);
	});

	const findProof = (): CycleProof | null => {
		const requests = awaitedRequests(registry);
		const sections: SectionNode[] = [...registry.sections.values()].map((s) => {
			const r = requests.get(s.id);
			return { id: s.id, awaits: r?.lock.id ?? null, needs: r?.weight ?? 1 };
		});
		const locks: LockNode[] = registry.activeLocks().map((l) => ({
			id: l.id,
			holders: [...l.holdings].map((h) => (h.section && registry.sections.has(h.section.id) ? h.section.id : null)),
			free: l.free(),
			provable: l.provable,
		}));
		const steps = findCycle(sections, locks);
		if (!steps) return null;
		return { steps, requests: new Map(steps.map((s) => [s.section, requests.get(s.section)!])) };
	};

	const round = async (requests: LockRequest[]) => {
		try {
			await Promise.all(requests.slice(0, MAX_PROBES_PER_ROUND).map(probe));
			if (stopped) return;
			const proof = findProof();
			if (proof) {
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
		if (stopped || !sectionOf(request)) return;
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
		stop() {
			stopped = true;
			if (immediate) clearImmediate(immediate);
			if (backoff) clearTimeout(backoff);
		},
	};
}
