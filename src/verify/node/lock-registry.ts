/**
 * What the patched async-mutex primitives report: each Mutex and Semaphore with its creation
 * site, its holders (runExclusive sections or acquire() callers, one per permit grant) and its
 * pending requests with their stacks, plus the lock order seen (lock-order.ts). Bookkeeping only:
 * deciding what is stuck is the detector's job.
 */
import type { Frame } from '../facts.ts';
import { childContext, currentContext, type TaskContext } from './contexts.ts';
import { createLockOrder, type LockOrderLog } from './lock-order.ts';
import { makeSectionRunner, type SectionRunner } from './sections.ts';
import type { LazyFrames, RawFrame } from './stack.ts';

/** The lock APIs whose waits are tracked. */
export type LockApi = 'runExclusive' | 'acquire' | 'waitForUnlock';

/** The async-mutex class a record stands for. */
export type LockType = 'Mutex' | 'Semaphore';

export interface LockRecord {
	/** `lock:1`, `semaphore:2`, … in creation order. */
	id: string;
	/** `Mutex` or `Semaphore` (async-mutex). */
	type: LockType;
	/** Where the program created it (innermost frame first, formatted when first asked); null when created before the harness saw it. */
	createdBy: LazyFrames | null;
	/** The library's own frames for each API, ending a waiting task's chain (`Mutex.runExclusive`). */
	apiFrames: Record<LockApi, Frame>;
	/** Who holds it now: one holding for a Mutex, one per granted acquire for a Semaphore. */
	holdings: Set<Holding>;
	/** Requests not yet granted, in the order they were made. */
	requests: Set<LockRequest>;
	/** Permits free right now (a Mutex: 1 or 0). */
	free(): number;
	/** Semaphore: the value it was created with. */
	initial: number;
	/**
	 * False once the program released it outside a holding (`mutex.release()` during a
	 * runExclusive, `semaphore.release()` / `setValue()` by hand) or cancelled its waiters:
	 * holdings no longer tell who can free it, so no cycle is claimed through it.
	 */
	provable: boolean;
	/** What broke {@link provable}, for the report on stderr. */
	unprovableBecause?: string;
	/** The readable name (`Store.lock`), worked out once when first needed (see lock-label.ts). */
	name?: string;
}

/** One holding of a lock: a runExclusive section, or an acquire() not yet released. */
export interface Holding {
	id: number;
	lock: LockRecord;
	via: LockApi;
	/** The holder's context: the section's own context for runExclusive, the caller's for acquire(). */
	context: TaskContext;
	section: Section | null;
	/** Permits held (1 for a Mutex). */
	weight: number;
	/** The holder's stack when it asked for the lock (innermost first). */
	requestedBy: LazyFrames;
	/** The function that asked for the lock (`Store.rebuild`). */
	readonly name: string;
	released: boolean;
	/** acquire(): the release function handed to the program, weakly (collected: no one can call it any more). */
	releaser?: WeakRef<() => void>;
	/** acquire(): the await chain of the holder when the lock was granted (who awaited the acquire), see holder-frames.ts. */
	grantedChain?: LazyFrames;
	/** acquire(): the number of the latest request made by anyone when the lock was granted. */
	grantedAfterRequest?: number;
}

/** A runExclusive callback running while its lock is held. */
export interface Section {
	id: number;
	context: TaskContext;
	holding: Holding;
	/** The uniquely named async function the callback runs in (see sections.ts). */
	run: SectionRunner;
	/** Set when the callback has settled. */
	ended?: 'returned' | 'raised';
}

/** A pending or granted request for a lock. */
export interface LockRequest {
	id: number;
	lock: LockRecord;
	api: LockApi;
	/** Permits asked for (1 for a Mutex). */
	weight: number;
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

/** How a new lock is described when it is created. */
export interface LockSpec {
	type: LockType;
	createdBy: LazyFrames | null;
	apiFrames: Record<LockApi, Frame>;
	free: () => number;
	initial: number;
}

/** The registry of tracked locks, their holders and their waiters. */
export interface LockRegistry {
	/** Registers a lock the program just created. */
	created(lock: object, spec: LockSpec): LockRecord;
	/** The record of a tracked lock (registered lazily, without a creation site, if it predates the harness). */
	recordOf(lock: object, spec: () => LockSpec): LockRecord;
	/** Records a request; `blocked` says whether it will wait. */
	request(record: LockRecord, api: LockApi, requestedBy: LazyFrames, blocked: boolean, weight?: number): LockRequest;
	/** The request settled (granted, or rejected by cancel()). */
	settled(request: LockRequest): void;
	/** A granted runExclusive request starts its section: a child context holding the lock. */
	enterSection(request: LockRequest): Section;
	/** The section's callback settled; the lock is about to be released. */
	leaveSection(section: Section, ended: 'returned' | 'raised'): void;
	/** A granted acquire() request now holds the lock until released. */
	hold(request: LockRequest): Holding;
	/** The release function of an acquire() holding was handed to the program; `grantedChain` is the holder's await chain now. */
	handedOut(holding: Holding, release: () => void, grantedChain: LazyFrames): void;
	/** The holder released (idempotent). */
	release(holding: Holding): void;
	/** Released outside a holding (`mutex.release()`, `semaphore.release()`, `setValue()`). */
	releasedByHand(record: LockRecord, why: string): void;
	/** `cancel()`: pending requests are rejected; the lock is no longer provable. */
	cancelled(record: LockRecord): void;
	/** Locks held or awaited right now, in creation order. */
	activeLocks(): LockRecord[];
	/** acquire() holdings not yet released (not those of runExclusive sections). */
	acquireHoldings(): Holding[];
	/** Sections running right now, by id. */
	sections: Map<number, Section>;
	/** Sections that ended while an acquire() they made inside still holds a lock (a leaked lock's owner). */
	endedSection(context: TaskContext): Section | undefined;
	/** The lock order seen so far (held → taken pairs by lock class). */
	order: LockOrderLog;
}

/** A request as the registry makes it: plain fields, the name worked out from the stack when first asked. */
class Request implements LockRequest {
	id: number;
	lock: LockRecord;
	api: LockApi;
	weight: number;
	context: TaskContext;
	requestedBy: LazyFrames;
	pending = true;
	blocked: boolean;
	probed: LazyFrames | null = null;
	awaitedBy: number[] = [];
	wake: (() => void) | null = null;
	probeDone: (() => void)[] = [];
	#namer: Namer;
	#name: string | null = null;
	constructor(id: number, lock: LockRecord, api: LockApi, weight: number, context: TaskContext, requestedBy: LazyFrames, blocked: boolean, namer: Namer) {
		this.id = id;
		this.lock = lock;
		this.api = api;
		this.weight = weight;
		this.context = context;
		this.requestedBy = requestedBy;
		this.blocked = blocked;
		this.#namer = namer;
	}
	get name(): string {
		return (this.#name ??= this.#namer(this.requestedBy()));
	}
}

/** A holding as the registry makes it: named as the request that got it. */
class HoldingRecord implements Holding {
	id: number;
	lock: LockRecord;
	via: LockApi;
	context: TaskContext;
	section: Section | null;
	weight: number;
	requestedBy: LazyFrames;
	released = false;
	releaser?: WeakRef<() => void>;
	grantedChain?: LazyFrames;
	grantedAfterRequest?: number;
	#request: LockRequest;
	constructor(id: number, request: LockRequest, context: TaskContext, section: Section | null) {
		this.id = id;
		this.lock = request.lock;
		this.via = request.api;
		this.context = context;
		this.section = section;
		this.weight = request.weight;
		this.requestedBy = request.requestedBy;
		this.#request = request;
	}
	get name(): string {
		return this.#request.name;
	}
}

/** Makes an empty registry; `name` turns stacks into the names tasks are shown with; `label` names a lock. */
export function createLockRegistry(
	name: Namer,
	label: (record: LockRecord) => string,
	innermost: (frames: RawFrame[]) => Frame | null,
	userFrames: (frames: RawFrame[]) => RawFrame[],
): LockRegistry {
	const records = new WeakMap<object, LockRecord>();
	const active = new Set<LockRecord>();
	const sections = new Map<number, Section>();
	/** Section contexts that ended, kept while an acquire() holding made in them is still held. */
	const ended = new Map<TaskContext, Section>();
	let lockCount = 0;
	let requestCount = 0;
	let holdingCount = 0;
	let sectionCount = 0;
	/** Ids of ended sections, free for the next ones: an id names a *running* section, and its runner is made once. */
	const freeSectionIds: number[] = [];
	const runners: SectionRunner[] = [];
	const order = createLockOrder(label, innermost, userFrames);

	const touch = (r: LockRecord) => {
		if (r.holdings.size || r.requests.size) active.add(r);
		else active.delete(r);
	};
	/** acquire() holdings not yet released, counted by the context that took them. */
	const acquiresIn = new Map<TaskContext, number>();
	const endHolding = (h: Holding) => {
		if (h.released) return;
		h.released = true;
		h.lock.holdings.delete(h);
		if (!h.section) {
			const n = acquiresIn.get(h.context)! - 1;
			if (n) acquiresIn.set(h.context, n);
			else acquiresIn.delete(h.context);
		}
		order.released(h);
		touch(h.lock);
	};
	const holdingFor = (request: LockRequest, context: TaskContext, section: Section | null): Holding => {
		const h = new HoldingRecord(++holdingCount, request, context, section);
		request.lock.holdings.add(h);
		if (!section) acquiresIn.set(context, (acquiresIn.get(context) ?? 0) + 1);
		touch(request.lock);
		order.taken(h, request.context, request.id, requestCount);
		return h;
	};

	const registry: LockRegistry = {
		sections,
		order,
		created(lock, spec) {
			lockCount++;
			const record: LockRecord = {
				id: `${spec.type === 'Mutex' ? 'lock' : 'semaphore'}:${lockCount}`,
				type: spec.type,
				createdBy: spec.createdBy,
				apiFrames: spec.apiFrames,
				holdings: new Set(),
				requests: new Set(),
				free: spec.free,
				initial: spec.initial,
				provable: true,
			};
			records.set(lock, record);
			return record;
		},
		recordOf(lock, spec) {
			return records.get(lock) ?? registry.created(lock, spec());
		},
		request(record, api, requestedBy, blocked, weight = 1) {
			const request = new Request(++requestCount, record, api, weight, currentContext(), requestedBy, blocked, name);
			record.requests.add(request);
			touch(record);
			return request;
		},
		settled(request) {
			request.pending = false;
			request.lock.requests.delete(request);
			touch(request.lock);
		},
		enterSection(request) {
			// The request's context is the one running now: the patched method made the request and
			// awaited its grant, and AsyncLocalStorage carries a context across an await.
			const context = childContext(request.context, request);
			const id = freeSectionIds.pop() ?? ++sectionCount;
			const section = { id, context, run: (runners[id] ??= makeSectionRunner(id)) } as Section;
			sections.set(id, section);
			section.holding = holdingFor(request, context, section);
			return section;
		},
		leaveSection(section, how) {
			section.ended = how;
			sections.delete(section.id);
			freeSectionIds.push(section.id);
			endHolding(section.holding);
			// An acquire() made inside the section and still held outlives it: remember its owner.
			if (acquiresIn.has(section.context)) ended.set(section.context, section);
		},
		endedSection: (context) => ended.get(context),
		hold(request) {
			return holdingFor(request, request.context, null);
		},
		release: endHolding,
		handedOut(holding, release, grantedChain) {
			holding.releaser = new WeakRef(release);
			holding.grantedChain = grantedChain;
			holding.grantedAfterRequest = requestCount;
		},
		releasedByHand(record, why) {
			if (record.type === 'Semaphore') {
				// Permits handed out by hand: holdings no longer say who can free it.
				record.provable = false;
				record.unprovableBecause = why;
				return;
			}
			for (const h of [...record.holdings]) {
				if (h.section) {
					record.provable = false;
					record.unprovableBecause = why;
				}
				endHolding(h);
			}
		},
		cancelled(record) {
			record.provable = false;
			record.unprovableBecause = 'cancel() was called: its waits can be cancelled';
		},
		acquireHoldings() {
			return [...active].flatMap((l) => [...l.holdings].filter((h) => !h.section));
		},
		activeLocks() {
			return [...active].sort((a, b) => Number(a.id.split(':')[1]) - Number(b.id.split(':')[1]));
		},
	};
	return registry;
}
