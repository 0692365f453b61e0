/**
 * Patches async-mutex's `Mutex` class so that every lock reports to the registry: where it was
 * created, who holds it (each runExclusive callback in its own context and named section), who
 * waits for it and from where. Behaviour is the library's: the same acquire, queueing, priority,
 * release and cancel, reached through the original methods.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../witness.ts';
import { runInContext } from './contexts.ts';
import type { LockApi, LockRegistry } from './lock-registry.ts';
import { waitForLock } from './probes.ts';
import { displayPath, framePath } from './source-files.ts';
import { captureFrames, captureLazyFrames, type RawFrame } from './stack.ts';

const PATCHED = Symbol.for('trap-catalog.patched');
const KIND = 'async-mutex Mutex';

interface MutexLike {
	isLocked(): boolean;
}
type Method = (this: MutexLike, ...args: unknown[]) => unknown;
type Releaser = () => void;

const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Calls `method` on a stand-in whose `_semaphore` throws, and returns the first frame of the
 * library in the stack at that moment: where the library's method touches the lock's state.
 */
function libraryFrameOf(method: Method, ...args: unknown[]): RawFrame | null {
	let seen: RawFrame[] = [];
	const standIn = {
		get _semaphore(): never {
			seen = captureFrames();
			throw new Error('located');
		},
	};
	try {
		const r = method.call(standIn as unknown as MutexLike, ...args);
		(r as Promise<unknown> | undefined)?.catch?.(() => {});
	} catch {
		// Expected: the stand-in throws as soon as the method touches the lock's state.
	}
	return seen.find((f) => !f.native && framePath(f.file) && !framePath(f.file)!.startsWith(HARNESS_DIR)) ?? null;
}

/** The library's own method lines, so that a waiting task's chain ends in `Mutex.runExclusive (async-mutex/index.mjs:187)`. */
function locateApis(proto: Record<string, Method>, snippetDir: string): Record<LockApi, Frame> {
	const frames = {} as Record<LockApi, Frame>;
	for (const api of ['runExclusive', 'acquire', 'waitForUnlock'] as const) {
		const own = libraryFrameOf(proto[api], () => undefined);
		const path = own && framePath(own.file);
		frames[api] = { function: `Mutex.${api}`, file: path ? displayPath(path, snippetDir) : 'async-mutex', line: own?.line || 1 };
	}
	return frames;
}

/** The folder of the package (nearest package.json) that holds `path`. */
function packageRoot(path: string): string {
	for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json'))) return dir;
	}
	return dirname(path);
}

/**
 * Patches `Mutex` (the class a snippet imports) in place, once. Returns the folder of the package
 * that defines it, whose frames witnesses leave out (null when it was patched already).
 */
export function patchMutexClass(Mutex: { prototype: object }, registry: LockRegistry, snippetDir: string): string | null {
	const proto = Mutex.prototype as Record<string | symbol, unknown> & Record<string, Method>;
	if (proto[PATCHED]) return null;
	const original = {
		acquire: proto.acquire,
		release: proto.release,
		waitForUnlock: proto.waitForUnlock,
		cancel: proto.cancel,
	};
	const apiFrames = locateApis(proto, snippetDir);
	const releaseFrame = libraryFrameOf(original.release);
	const libraryDir = releaseFrame ? packageRoot(framePath(releaseFrame.file)!) : null;

	const recordOf = (mutex: object) => registry.recordOf(mutex, KIND, apiFrames);

	// The constructor assigns `this._semaphore`: an accessor on the prototype sees each new Mutex
	// at its creation, with the program's stack, and then steps aside for an own property.
	Object.defineProperty(proto, '_semaphore', {
		configurable: true,
		get() {
			return undefined;
		},
		set(this: object, value: unknown) {
			Object.defineProperty(this, '_semaphore', { value, writable: true, configurable: true, enumerable: true });
			registry.created(this, KIND, captureFrames(), apiFrames);
		},
	});

	proto.runExclusive = async function runExclusive(this: MutexLike, callback: unknown, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'runExclusive', captureLazyFrames(runExclusive), this.isLocked());
		const release = (await waitForLock(request, original.acquire.call(this, priority) as Promise<Releaser>, () => registry.settled(request))) as Releaser;
		const section = registry.enterSection(request);
		try {
			return await runInContext(section.context, () => section.run(callback as () => unknown));
		} finally {
			registry.leaveSection(section);
			release();
		}
	} as Method;

	proto.acquire = async function acquire(this: MutexLike, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'acquire', captureLazyFrames(acquire), this.isLocked());
		const releaser = (await waitForLock(request, original.acquire.call(this, priority) as Promise<Releaser>, () => registry.settled(request))) as Releaser;
		const holding = registry.hold(request);
		return function release() {
			registry.release(holding);
			releaser();
		};
	} as Method;

	proto.waitForUnlock = async function waitForUnlock(this: MutexLike, priority: unknown = 0) {
		const record = recordOf(this);
		const request = registry.request(record, 'waitForUnlock', captureLazyFrames(waitForUnlock), this.isLocked());
		await waitForLock(request, original.waitForUnlock.call(this, priority) as Promise<void>, () => registry.settled(request));
	} as Method;

	proto.release = function release(this: MutexLike) {
		if (this.isLocked()) registry.releasedByLock(recordOf(this));
		return original.release.call(this);
	} as Method;

	proto.cancel = function cancel(this: MutexLike) {
		registry.cancelled(recordOf(this));
		return original.cancel.call(this);
	} as Method;

	Object.defineProperty(proto, PATCHED, { value: true });
	return libraryDir;
}
