/**
 * Patches async-mutex's `Mutex` and `Semaphore` classes so that every lock reports to the
 * registry: where it was created, who holds it (each runExclusive callback in its own context and
 * named section; each acquire() caller until it releases), who waits for it and from where.
 * Behaviour is the library's: the same acquire, queueing, priority, weights, release and cancel,
 * reached through the original methods (a Mutex's permit through its internal Semaphore's acquire,
 * as `Mutex.acquire` does). A Mutex's own internal Semaphore is left alone.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../facts.ts';
import { enterContext } from './contexts.ts';
import type { LockApi, LockRegistry, LockRequest, LockSpec, LockType } from './lock-registry.ts';
import { waitForLock } from './probes.ts';
import { displayPath, framePath } from './source-files.ts';
import { captureFrames, captureLazyFrames, type LazyFrames, type RawFrame } from './stack.ts';

const PATCHED = Symbol.for('trap-catalog.patched');

interface MutexLike {
	isLocked(): boolean;
}
interface SemaphoreLike {
	_value: number;
	getValue(): number;
	_couldLockImmediately?(weight: number, priority: number): boolean;
}
type Method = (this: never, ...args: unknown[]) => unknown;
type Releaser = () => void;

const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Calls `method` on a stand-in that throws as soon as the method touches any state, and returns
 * the first frame of the library in the stack at that moment: where the library's method is.
 */
function libraryFrameOf(method: Method, ...args: unknown[]): RawFrame | null {
	let seen: RawFrame[] = [];
	const standIn = new Proxy(
		{},
		{
			get() {
				if (!seen.length) seen = captureFrames();
				throw new Error('located');
			},
		},
	);
	try {
		const r = (method as (...a: unknown[]) => unknown).call(standIn, ...args);
		(r as Promise<unknown> | undefined)?.catch?.(() => {});
	} catch {
		// Expected: the stand-in throws as soon as the method touches the lock's state.
	}
	return seen.find((f) => !f.native && framePath(f.file) && !framePath(f.file)!.startsWith(HARNESS_DIR)) ?? null;
}

/** The library's own method lines, so that a waiting task's chain ends in `Mutex.runExclusive (async-mutex/index.mjs:187)`. */
function locateApis(type: LockType, proto: Record<string, Method>, snippetDir: string): Record<LockApi, Frame> {
	const frames = {} as Record<LockApi, Frame>;
	for (const api of ['runExclusive', 'acquire', 'waitForUnlock'] as const) {
		const own = libraryFrameOf(proto[api], () => undefined);
		const path = own && framePath(own.file);
		frames[api] = { function: `${type}.${api}`, file: path ? displayPath(path, snippetDir) : 'async-mutex', line: own?.line || 1 };
	}
	return frames;
}

/**
 * The library's grant of a request that did not have to wait (the lock was free when it was made):
 * nothing can be suspended on it for long, so it is never probed (only blocked requests are,
 * see probes.ts) and needs no {@link waitForLock}. The request is settled once the library settles.
 */
async function grantedAtOnce<T>(registry: LockRegistry, request: LockRequest, acquiring: Promise<T>): Promise<T> {
	try {
		return await acquiring;
	} finally {
		registry.settled(request);
	}
}

/** The folder of the package (nearest package.json) that holds `path`. */
function packageRoot(path: string): string {
	for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json'))) return dir;
	}
	return dirname(path);
}

/**
 * Patches async-mutex's exports (`Mutex`, `Semaphore`) in place, once. Returns the folder of the
 * package that defines them, whose frames witnesses leave out (null when nothing was patched).
 */
export function patchAsyncMutex(exports: Record<string, unknown>, registry: LockRegistry, snippetDir: string): string | null {
	const internal = new WeakSet<object>();
	const Semaphore = exports.Semaphore as { prototype: object } | undefined;
	const Mutex = exports.Mutex as { prototype: object } | undefined;
	let libraryDir: string | null = null;
	if (typeof Semaphore === 'function') libraryDir = patchSemaphoreClass(Semaphore, registry, snippetDir, internal) ?? libraryDir;
	if (typeof Mutex === 'function') libraryDir = patchMutexClass(Mutex, registry, snippetDir, internal) ?? libraryDir;
	return libraryDir;
}

function libraryDirOf(method: Method): string | null {
	const frame = libraryFrameOf(method);
	return frame ? packageRoot(framePath(frame.file)!) : null;
}

function patchMutexClass(Mutex: { prototype: object }, registry: LockRegistry, snippetDir: string, internal: WeakSet<object>): string | null {
	const proto = Mutex.prototype as Record<string | symbol, unknown> & Record<string, Method>;
	if (proto[PATCHED]) return null;
	const original = {
		acquire: proto.acquire,
		release: proto.release,
		waitForUnlock: proto.waitForUnlock,
		cancel: proto.cancel,
	};
	const apiFrames = locateApis('Mutex', proto, snippetDir);
	const libraryDir = libraryDirOf(original.release);

	const spec = (mutex: MutexLike, createdBy: LazyFrames | null): LockSpec => ({ type: 'Mutex', createdBy, apiFrames, free: () => (mutex.isLocked() ? 0 : 1), initial: 1 });
	const recordOf = (mutex: MutexLike) => registry.recordOf(mutex, () => spec(mutex, null));

	// The constructor assigns `this._semaphore`: an accessor on the prototype sees each new Mutex
	// at its creation, with the program's stack, and then steps aside for an own property.
	Object.defineProperty(proto, '_semaphore', {
		configurable: true,
		get() {
			return undefined;
		},
		set(this: MutexLike, value: unknown) {
			Object.defineProperty(this, '_semaphore', { value, writable: true, configurable: true, enumerable: true });
			if (value && typeof value === 'object') internal.add(value);
			registry.created(this, spec(this, captureLazyFrames()));
		},
	});

	/**
	 * What the library's `Mutex.acquire(priority)` does, `_semaphore.acquire(1, priority)` giving
	 * `[value, releaser]`, asked of the internal Semaphore directly (without the generator turns of
	 * its compiled async function); the library's own acquire when the Mutex has no internal Semaphore.
	 */
	const acquirePermit = (mutex: MutexLike, priority: unknown): Promise<[number, Releaser] | Releaser> => {
		const semaphore = (mutex as { _semaphore?: unknown })._semaphore;
		if (!semaphore || !internal.has(semaphore as object)) return original.acquire.call(mutex as never, priority) as Promise<Releaser>;
		try {
			return (semaphore as { acquire(weight: number, priority: unknown): Promise<[number, Releaser]> }).acquire(1, priority);
		} catch (error) {
			return Promise.reject(error); // as from Mutex.acquire, an async function: the request still settles
		}
	};
	const releaserOf = (granted: [number, Releaser] | Releaser): Releaser => (typeof granted === 'function' ? granted : granted[1]);

	proto.runExclusive = async function runExclusive(this: MutexLike, callback: unknown, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'runExclusive', captureLazyFrames(runExclusive), this.isLocked());
		const acquiring = acquirePermit(this, priority);
		const release = releaserOf(request.blocked ? await waitForLock(request, acquiring, () => registry.settled(request)) : await grantedAtOnce(registry, request, acquiring));
		const section = registry.enterSection(request);
		let how: 'returned' | 'raised' = 'raised';
		try {
			enterContext(section.context); // resumed from the grant's await: see enterContext
			const value = await section.run(callback as () => unknown);
			how = 'returned';
			return value;
		} finally {
			registry.leaveSection(section, how);
			release();
		}
	} as Method;

	proto.acquire = async function acquire(this: MutexLike, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'acquire', captureLazyFrames(acquire), this.isLocked());
		const acquiring = acquirePermit(this, priority);
		const releaser = releaserOf(request.blocked ? await waitForLock(request, acquiring, () => registry.settled(request)) : await grantedAtOnce(registry, request, acquiring));
		const holding = registry.hold(request);
		const release = function release() {
			registry.release(holding);
			releaser();
		};
		registry.handedOut(holding, release, captureLazyFrames());
		return release;
	} as Method;

	proto.waitForUnlock = async function waitForUnlock(this: MutexLike, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'waitForUnlock', captureLazyFrames(waitForUnlock), this.isLocked());
		const acquiring = original.waitForUnlock.call(this as never, priority) as Promise<void>;
		if (request.blocked) await waitForLock(request, acquiring, () => registry.settled(request));
		else await grantedAtOnce(registry, request, acquiring);
	} as Method;

	proto.release = function release(this: MutexLike) {
		if (this.isLocked()) registry.releasedByHand(recordOf(this), 'mutex.release() was called while a runExclusive section held it');
		return original.release.call(this as never);
	} as Method;

	proto.cancel = function cancel(this: MutexLike) {
		registry.cancelled(recordOf(this));
		return original.cancel.call(this as never);
	} as Method;

	Object.defineProperty(proto, PATCHED, { value: true });
	return libraryDir;
}

function patchSemaphoreClass(Semaphore: { prototype: object }, registry: LockRegistry, snippetDir: string, internal: WeakSet<object>): string | null {
	const proto = Semaphore.prototype as Record<string | symbol, unknown> & Record<string, Method>;
	if (proto[PATCHED]) return null;
	const original = {
		acquire: proto.acquire,
		runExclusive: proto.runExclusive,
		waitForUnlock: proto.waitForUnlock,
		release: proto.release,
		setValue: proto.setValue,
		cancel: proto.cancel,
	};
	const apiFrames = locateApis('Semaphore', proto, snippetDir);
	const libraryDir = libraryDirOf(original.release);
	const created = new WeakMap<object, { frames: LazyFrames; initial: number }>();
	/** >0 while a releaser handed out by a patched acquire runs (its release() is not "by hand"). */
	let inReleaser = 0;

	const spec = (s: SemaphoreLike): LockSpec => {
		const c = created.get(s);
		return { type: 'Semaphore', createdBy: c ? c.frames : null, apiFrames, free: () => s._value, initial: c?.initial ?? s._value };
	};
	const recordOf = (s: SemaphoreLike) => registry.recordOf(s, () => spec(s));
	const blocked = (s: SemaphoreLike, weight: number, priority: number) =>
		typeof s._couldLockImmediately === 'function' ? !s._couldLockImmediately(weight, priority) : s._value < weight;
	const wrapReleaser = (releaser: Releaser, done: () => void): Releaser =>
		function release() {
			done();
			inReleaser++;
			try {
				releaser();
			} finally {
				inReleaser--;
			}
		};

	// The constructor assigns `_weightedWaiters` last: see each Semaphore at its creation. Its stack is
	// only kept (captured lazily): a Mutex's internal Semaphore is recognised once the Mutex takes it.
	Object.defineProperty(proto, '_weightedWaiters', {
		configurable: true,
		get() {
			return undefined;
		},
		set(this: SemaphoreLike, value: unknown) {
			Object.defineProperty(this, '_weightedWaiters', { value, writable: true, configurable: true, enumerable: true });
			created.set(this, { frames: captureLazyFrames(), initial: this._value });
		},
	});

	const tracked = {
		async acquire(this: SemaphoreLike, weight: number, priority: number) {
			const record = recordOf(this);
			const request = registry.request(record, 'acquire', captureLazyFrames(tracked.acquire), blocked(this, weight, priority), weight);
			const acquiring = original.acquire.call(this as never, weight, priority) as Promise<[number, Releaser]>;
			const [value, releaser] = request.blocked ? await waitForLock(request, acquiring, () => registry.settled(request)) : await grantedAtOnce(registry, request, acquiring);
			const holding = registry.hold(request);
			const release = wrapReleaser(releaser, () => registry.release(holding));
			registry.handedOut(holding, release, captureLazyFrames());
			return [value, release];
		},
		async runExclusive(this: SemaphoreLike, callback: (value: number) => unknown, weight: number, priority: number) {
			const record = recordOf(this);
			const request = registry.request(record, 'runExclusive', captureLazyFrames(tracked.runExclusive), blocked(this, weight, priority), weight);
			const acquiring = original.acquire.call(this as never, weight, priority) as Promise<[number, Releaser]>;
			const [value, releaser] = request.blocked ? await waitForLock(request, acquiring, () => registry.settled(request)) : await grantedAtOnce(registry, request, acquiring);
			const section = registry.enterSection(request);
			let how: 'returned' | 'raised' = 'raised';
			try {
				enterContext(section.context); // resumed from the grant's await: see enterContext
				const result = await section.run(() => callback(value));
				how = 'returned';
				return result;
			} finally {
				registry.leaveSection(section, how);
				wrapReleaser(releaser, () => {})();
			}
		},
		async waitForUnlock(this: SemaphoreLike, weight: number, priority: number) {
			const record = recordOf(this);
			const request = registry.request(record, 'waitForUnlock', captureLazyFrames(tracked.waitForUnlock), blocked(this, weight, priority), weight);
			const acquiring = original.waitForUnlock.call(this as never, weight, priority) as Promise<void>;
			if (request.blocked) await waitForLock(request, acquiring, () => registry.settled(request));
			else await grantedAtOnce(registry, request, acquiring);
		},
	};

	// Plain functions that hand a Mutex's internal Semaphore straight to the library (same timing,
	// same synchronous errors), and everything else to the tracked versions.
	proto.acquire = function acquire(this: SemaphoreLike, weight: unknown = 1, priority: unknown = 0) {
		if (internal.has(this) || !(Number(weight) > 0)) return original.acquire.call(this as never, weight, priority);
		return tracked.acquire.call(this, weight as number, priority as number);
	} as Method;
	proto.runExclusive = function runExclusive(this: SemaphoreLike, callback: unknown, weight: unknown = 1, priority: unknown = 0) {
		if (internal.has(this) || !(Number(weight) > 0)) return original.runExclusive.call(this as never, callback, weight, priority);
		return tracked.runExclusive.call(this, callback as (value: number) => unknown, weight as number, priority as number);
	} as Method;
	proto.waitForUnlock = function waitForUnlock(this: SemaphoreLike, weight: unknown = 1, priority: unknown = 0) {
		if (internal.has(this) || !(Number(weight) > 0)) return original.waitForUnlock.call(this as never, weight, priority);
		return tracked.waitForUnlock.call(this, weight as number, priority as number);
	} as Method;
	proto.release = function release(this: SemaphoreLike, ...args: unknown[]) {
		if (!inReleaser && !internal.has(this)) registry.releasedByHand(recordOf(this), 'semaphore.release() was called outside a releaser: anyone may hand out permits');
		return original.release.apply(this as never, args as never);
	} as Method;
	proto.setValue = function setValue(this: SemaphoreLike, ...args: unknown[]) {
		if (!internal.has(this)) registry.releasedByHand(recordOf(this), 'semaphore.setValue() was called');
		return original.setValue.apply(this as never, args as never);
	} as Method;
	proto.cancel = function cancel(this: SemaphoreLike) {
		if (!internal.has(this)) registry.cancelled(recordOf(this));
		return original.cancel.call(this as never);
	} as Method;

	Object.defineProperty(proto, PATCHED, { value: true });
	return libraryDir;
}
