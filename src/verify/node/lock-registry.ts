/**
 * What the patched locks report: each lock with its creation site, its holder (a runExclusive
 * section or an acquire() caller) and its pending requests with their stacks. Bookkeeping only:
 * deciding what is stuck is the detector's job.
 */
import type { Frame } from '../witness.ts';
import { childContext, currentContext, type TaskContext } from './contexts.ts';
import { makeSectionRunner, type SectionRunner } from './sections.ts';
import type { LazyFrames, RawFrame } from './stack.ts';

/** The lock APIs whose waits are tracked. */
export type LockApi = 'runExclusive' | 'acquire' | 'waitForUnlock';

export interface LockRecord {
	/** `lock:1`, … in creation order. */
	id: string;
	/** `async-mutex Mutex`. */
	kind: string;
	/** Where the program created it (innermost frame first); null when created before the harness saw it. */
	createdBy: RawFrame[] | null;
	/** The library's own frames for each API, ending a waiting task's chain (`Mutex.runExclusive`). */
	apiFrames: Record<LockApi, Frame>;
	holding: Holding | null;
	/** Requests not yet granted, in the order they were made. */
	requests: Set<LockRequest>;
	/**
	 * False once the program released a lock it did not take (`mutex.release()` during a
	 * runExclusive) or cancelled its waiters: ownership no longer tells who can free it, so no
	 * cycle is claimed through it.
	 */
	provable: boolean;
	/** What broke {@link provable}, for the witness. */
	unprovableBecause?: string;
}

/** One holding of a lock: a runExclusive section, or an acquire() not yet released. */
export interface Holding {
	id: number;
	lock: LockRecord;
	via: LockApi;
	/** The holder's context: the section's own context for runExclusive, the caller's for acquire(). */
	context: TaskContext;
	section: Section | null;
	/** The holder's stack when it asked for the lock (innermost first). */
	requestedBy: LazyFrames;
	/** The function that asked for the lock (`Store.rebuild`). */
	readonly name: string;
	released: boolean;
}

/** A runExclusive callback running while its lock is held. */
export interface Section {
	id: number;
	context: TaskContext;
	holding: Holding;
	/** The uniquely named async function the callback runs in (see sections.ts). */
	run: SectionRunner;
}

/** A pending or granted request for a lock. */
export interface LockRequest {
	id: number;
	lock: LockRecord;
	api: LockApi;
	context: TaskContext;
	/** Stack when the request was made, innermost first. */
	requestedBy: LazyFrames;
	/** The function that made it (`Store.setHash`), from {@link requestedBy} when first asked. */
	readonly name: string;
	pending: boolean;
	/** The lock was taken when the request was made: it waits. */
	blocked: boolean;
	/** The latest stack captured inside the waiting request (its whole await chain), innermost first. */
	probed: LazyFrames | null;
	/** Sections whose runner is suspended awaiting this request, innermost first (from {@link probed}). */
	awaitedBy: number[];
	/** Wakes the waiting request so that it captures its stack; set while it waits. */
	wake: (() => void) | null;
	/** Called once the request has captured its stack or settled. */
	probeDone: (() => void)[];
}

/** Names a request or holder from its stack (the innermost function of the snippet). */
export type Namer = (frames: RawFrame[]) => string;

/** The registry of tracked locks, their holders and their waiters. */
export interface LockRegistry {
	/** Registers a lock the program just created. */
	created(lock: object, kind: string, createdBy: RawFrame[] | null, apiFrames: Record<LockApi, Frame>): LockRecord;
	/** The record of a tracked lock (registered lazily, without a creation site, if it predates the harness). */
	recordOf(lock: object, kind: string, apiFrames: Record<LockApi, Frame>): LockRecord;
	/** Records a request; `blocked` says whether it will wait. */
	request(record: LockRecord, api: LockApi, requestedBy: LazyFrames, blocked: boolean): LockRequest;
	/** The request settled (granted, or rejected by cancel()). */
	settled(request: LockRequest): void;
	/** A granted runExclusive request starts its section: a child context holding the lock. */
	enterSection(request: LockRequest): Section;
	/** The section's callback settled; the lock is about to be released. */
	leaveSection(section: Section): void;
	/** A granted acquire() request now holds the lock until released. */
	hold(request: LockRequest): Holding;
	/** The holder released (idempotent). */
	release(holding: Holding): void;
	/** `mutex.release()` was called: releases an acquire() holding, or marks the lock unprovable when a section held it. */
	releasedByLock(record: LockRecord): void;
	/** `mutex.cancel()`: pending requests are rejected; the lock is no longer provable. */
	cancelled(record: LockRecord): void;
	/** Locks held or awaited right now, in creation order. */
	activeLocks(): LockRecord[];
	/** Sections running right now, by id. */
	sections: Map<number, Section>;
	/** Called for each request that will wait (the detector probes it). */
	onBlocked: ((request: LockRequest) => void) | null;
}

/** Makes an empty registry; `name` turns stacks into the names tasks are shown with. */
export function createLockRegistry(name: Namer): LockRegistry {
	const records = new WeakMap<object, LockRecord>();
	const active = new Set<LockRecord>();
	const sections = new Map<number, Section>();
	let lockCount = 0;
	let requestCount = 0;
	let holdingCount = 0;
	let sectionCount = 0;

	const touch = (r: LockRecord) => {
		if (r.holding || r.requests.size) active.add(r);
		else active.delete(r);
	};
	const endHolding = (h: Holding) => {
		if (h.released) return;
		h.released = true;
		if (h.lock.holding === h) h.lock.holding = null;
		touch(h.lock);
	};
	const holdingFor = (request: LockRequest, context: TaskContext, section: Section | null): Holding => {
		const h: Holding = {
			id: ++holdingCount,
			lock: request.lock,
			via: request.api,
			context,
			section,
			requestedBy: request.requestedBy,
			get name() {
				return request.name;
			},
			released: false,
		};
		request.lock.holding = h;
		touch(request.lock);
		return h;
	};

	const registry: LockRegistry = {
		sections,
		onBlocked: null,
		created(lock, kind, createdBy, apiFrames) {
			const record: LockRecord = { id: `lock:${++lockCount}`, kind, createdBy, apiFrames, holding: null, requests: new Set(), provable: true };
			records.set(lock, record);
			return record;
		},
		recordOf(lock, kind, apiFrames) {
			return records.get(lock) ?? registry.created(lock, kind, null, apiFrames);
		},
		request(record, api, requestedBy, blocked) {
			let cachedName: string | null = null;
			const request: LockRequest = {
				id: ++requestCount,
				lock: record,
				api,
				context: currentContext(),
				requestedBy,
				get name() {
					return (cachedName ??= name(requestedBy()));
				},
				pending: true,
				blocked,
				probed: null,
				awaitedBy: [],
				wake: null,
				probeDone: [],
			};
			record.requests.add(request);
			touch(record);
			if (blocked) registry.onBlocked?.(request);
			return request;
		},
		settled(request) {
			request.pending = false;
			request.lock.requests.delete(request);
			touch(request.lock);
		},
		enterSection(request) {
			const context = childContext(() => request.name);
			const id = ++sectionCount;
			const section = { id, context, run: makeSectionRunner(id) } as Section;
			section.holding = holdingFor(request, context, section);
			sections.set(id, section);
			return section;
		},
		leaveSection(section) {
			sections.delete(section.id);
			endHolding(section.holding);
		},
		hold(request) {
			return holdingFor(request, request.context, null);
		},
		release: endHolding,
		releasedByLock(record) {
			const h = record.holding;
			if (!h) return;
			if (h.section) {
				record.provable = false;
				record.unprovableBecause = `mutex.release() was called while ${h.name} held it in runExclusive`;
			}
			endHolding(h);
		},
		cancelled(record) {
			record.provable = false;
			record.unprovableBecause = 'mutex.cancel() was called: its waits can be cancelled';
		},
		activeLocks() {
			return [...active].sort((a, b) => Number(a.id.slice(5)) - Number(b.id.slice(5)));
		},
	};
	return registry;
}
