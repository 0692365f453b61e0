/**
 * Unref'd timers, processes and handles, and signal listeners, the program still has pending.
 * Node ignores them when deciding to exit, so `beforeExit` fires while they could still wake a
 * waiting task; with detection off the harness keeps the process alive and they do fire (a
 * handle or a listener by way of a process the program does not track). Quiescence must wait for
 * them, or it would claim a deadlock that the run without detectors does not have.
 */
import { ChildProcess } from 'node:child_process';
import type * as Dgram from 'node:dgram';
import { unwatchFile, watch, watchFile } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as Net from 'node:net';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { Worker } from 'node:worker_threads';

interface Pending {
	what: string;
	alive: () => boolean;
}

const pending: Pending[] = [];
let quiet = false;

/** Unrefs one of the harness's own handles without counting it as the program's. */
export function unrefOwn<T extends { unref(): unknown }>(handle: T): T {
	quiet = true;
	try {
		handle.unref();
	} finally {
		quiet = false;
	}
	return handle;
}

function track(proto: { unref(): unknown }, what: string, alive: (self: never) => boolean): void {
	const original = proto.unref;
	proto.unref = function unref(this: never) {
		if (!quiet) {
			const ref = new WeakRef(this as object);
			pending.push({ what, alive: () => alive((ref.deref() ?? null) as never) });
		}
		return original.call(this);
	};
}

const load = createRequire(import.meta.url);

/** True while a file watcher's handle is open (Node sets `_handle` to null on close; a missing field counts as open). */
const handleOpen = (w: { _handle?: unknown } | null) => w !== null && w._handle !== null;

/**
 * Replaces `owner[name]` (when it is a function) by one that calls it and, when `counts` says so
 * of its arguments, counts its result as pending while `alive(result)` says so. Named and sized
 * as the original. `arguments` rather than a rest parameter: timers/promises' run on every
 * `await setTimeout()`.
 */
function countCalls(owner: Record<string, unknown> | undefined, name: string, what: string, counts: (args: IArguments) => boolean, alive: (result: unknown) => () => boolean): void {
	const original = owner?.[name] as ((...args: unknown[]) => unknown) | undefined;
	if (!owner || typeof original !== 'function') return;
	const wrapped = {
		[name](this: unknown) {
			const result = original.apply(this, arguments as unknown as unknown[]);
			if (!quiet && counts(arguments)) pending.push({ what, alive: alive(result) });
			return result;
		},
	}[name];
	Object.defineProperty(wrapped, 'length', { value: original.length });
	owner[name] = wrapped;
}

/** True while an unref'd UDP socket is bound and open (`address()` throws otherwise). */
function udpBound(socket: Dgram.Socket | null): boolean {
	if (socket === null) return false;
	try {
		socket.address();
		return true;
	} catch {
		return false;
	}
}

/**
 * Tracks the unref() of file watchers (fs.watch, fs.watchFile), whose classes Node does not
 * export: their prototypes are taken from a watcher made and closed at once. A watcher is alive
 * until Node drops its handle; should that field ever be missing, it counts as alive (the claim
 * waits, which is never unsound).
 */
function trackFileWatchers(): void {
	const here = fileURLToPath(import.meta.url);
	try {
		const watcher = watch(dirname(here));
		watcher.close();
		track(Object.getPrototypeOf(watcher), "an unref'd fs.watch() watcher", handleOpen);
	} catch {
		// No watcher could be made here (inotify limits): the program cannot make one either.
	}
	const statWatcher = watchFile(here, () => {});
	unwatchFile(here);
	track(Object.getPrototypeOf(statWatcher), "an unref'd fs.watchFile() watcher", handleOpen);
}

/**
 * True when `options` may hold `persistent: false`, read without running the program's code: a
 * data property `false` found on it or a prototype, or an accessor or proxy on the way (which
 * may give false; counted as if it did, so the claim waits, which is never unsound).
 */
function mayBeNonPersistent(options: unknown): boolean {
	for (let o = options; o !== null && typeof o === 'object'; o = Object.getPrototypeOf(o)) {
		if (types.isProxy(o)) return true;
		const d = Object.getOwnPropertyDescriptor(o, 'persistent');
		if (d) return !('value' in d) || d.value === false;
	}
	return false;
}

/**
 * Tracks watchers made with `persistent: false`, which Node unrefs without calling unref(): an
 * `fs.watch()` or `fs.watchFile()` watcher until it is closed (see trackFileWatchers), an
 * `fs/promises` watch() until its iterator is closed.
 */
function trackNonPersistentWatchers(): void {
	const fs = load('node:fs') as Record<string, unknown>;
	const fsPromises = load('node:fs/promises') as Record<string, unknown>;
	const nonPersistent = (args: IArguments) => mayBeNonPersistent(args[1]);
	const whileOpen = (watcher: unknown) => () => handleOpen(watcher as { _handle?: unknown });
	countCalls(fs, 'watch', 'an fs.watch() watcher with persistent: false', nonPersistent, whileOpen);
	countCalls(fs, 'watchFile', 'an fs.watchFile() watcher with persistent: false', nonPersistent, whileOpen);
	countCalls(fsPromises, 'watch', 'an fs/promises watch() with persistent: false', nonPersistent, aliveWhile);
	syncBuiltinESMExports();
}

/**
 * Starts tracking unref'd timers (including `node:timers/promises` with `{ ref: false }`,
 * `AbortSignal.timeout()` and `Atomics.waitAsync()` with a timeout), child processes, worker
 * threads, sockets and servers (TCP, HTTP, TLS, UDP: a process the program does not track may
 * still connect or send) and file watchers (unref'd, or made with `persistent: false`).
 */
export function trackUnrefs(): void {
	const probe = setTimeout(() => {}, 0);
	clearTimeout(probe);
	track(Object.getPrototypeOf(probe), 'an unref\'d timer', (t: { _destroyed?: boolean } | null) => t !== null && t._destroyed === false);
	// setImmediate() from node:timers/promises with { ref: false } unrefs its Immediate too.
	const immediate = setImmediate(() => {});
	clearImmediate(immediate);
	track(Object.getPrototypeOf(immediate), "an unref'd setImmediate()", (i: { _destroyed?: boolean } | null) => i !== null && i._destroyed === false);
	track(ChildProcess.prototype, 'an unref\'d child process', (c: ChildProcess | null) => c !== null && c.exitCode === null && c.signalCode === null);
	// Loaded here, not imported: with detection off the harness loads no module the program does not.
	const net = load('node:net') as typeof Net;
	const dgram = load('node:dgram') as typeof Dgram;
	track(net.Server.prototype, "an unref'd server", (server: Net.Server | null) => server !== null && server.listening);
	track(net.Socket.prototype, "an unref'd socket", (socket: Net.Socket | null) => socket !== null && !socket.destroyed);
	track(dgram.Socket.prototype, "an unref'd UDP socket", udpBound);
	trackFileWatchers();
	trackNonPersistentWatchers();
	const workers = new WeakSet<Worker>();
	track(Worker.prototype, 'an unref\'d worker thread', (w: Worker | null) => w !== null && !workers.has(w));
	const originalEmit = Worker.prototype.emit;
	Worker.prototype.emit = function emit(this: Worker, event: string | symbol, ...args: unknown[]) {
		if (event === 'exit') workers.add(this);
		return originalEmit.call(this, event, ...args);
	};

	// Promise timeouts and intervals with { ref: false } and AbortSignal.timeout() make unref'd
	// timers without calling unref(): count them until they settle (an interval until its iterator
	// is closed). Not setImmediate(), the hottest of them: its Immediate's unref() is seen above.
	const timersPromises = load('node:timers/promises') as Record<string, unknown> & { scheduler?: Record<string, unknown> };
	const unrefAt = (optionsAt: number) => (args: IArguments) => (args[optionsAt] as { ref?: boolean } | undefined)?.ref === false;
	countCalls(timersPromises, 'setTimeout', "an unref'd setTimeout() from node:timers/promises", unrefAt(2), aliveWhile);
	countCalls(timersPromises, 'setInterval', "an unref'd setInterval() from node:timers/promises", unrefAt(2), aliveWhile);
	countCalls(timersPromises.scheduler, 'wait', "an unref'd scheduler.wait() from node:timers/promises", unrefAt(1), aliveWhile);
	syncBuiltinESMExports();

	// Atomics.waitAsync() with a timeout resolves when it runs out, from a timer Node does not count.
	// Without one, only an Atomics.notify() can end it: from this thread (code that has to run
	// first) or a worker (tracked above, or ref'd and keeping the loop alive).
	const waitAsync = Atomics.waitAsync;
	if (typeof waitAsync === 'function') {
		const wrapped = {
			waitAsync(this: unknown, array: Int32Array, index: number, value: number, timeout?: number) {
				const result = waitAsync.call(Atomics, array, index, value, timeout);
				// NaN and +Infinity wait forever; a timeout that is not a number is not converted here
				// (that could run the program's code twice) and counts as one that runs out.
				const forever = timeout === undefined || timeout === Infinity || Number.isNaN(timeout);
				if (result.async && !forever && !quiet) pending.push({ what: 'an Atomics.waitAsync() with a timeout', alive: aliveWhile(result.value) });
				return result;
			},
		}.waitAsync;
		Object.defineProperty(Atomics, 'waitAsync', { value: wrapped, writable: true, configurable: true, enumerable: false });
	}

	const timeoutSignal = AbortSignal.timeout.bind(AbortSignal);
	AbortSignal.timeout = function timeout(delay: number) {
		const signal = timeoutSignal(delay);
		if (!quiet) pending.push({ what: 'an AbortSignal.timeout()', alive: () => !signal.aborted });
		return signal;
	};
}

/** Alive until a promise settles, or until an async iterator is closed (return() or an error). */
function aliveWhile(result: unknown): () => boolean {
	let done = false;
	const end = () => (done = true);
	if (result instanceof Promise) {
		result.then(end, end);
	} else if (result && typeof (result as AsyncIterator<unknown>).return === 'function') {
		const iterator = result as AsyncIterator<unknown>;
		const close = iterator.return!.bind(iterator);
		iterator.return = (value?: unknown) => {
			end();
			return close(value);
		};
	}
	return () => !done;
}

const SIGNALS = Object.keys(constants.signals) as NodeJS.Signals[];

/**
 * The signals the program listens for. Node keeps a signal's watcher unref'd, so a listener does
 * not keep the loop alive, yet a signal from any process (one the program does not track, such
 * as a sender started through a shell that has exited) runs it.
 */
function signalListeners(): string[] {
	return SIGNALS.filter((name) => process.listenerCount(name) > 0).map((name) => `a listener for ${name}`);
}

/** What the program left unref'd that is still pending and could wake a task (signal listeners included). */
export function pendingUnrefs(): string[] {
	for (let i = pending.length - 1; i >= 0; i--) if (!pending[i].alive()) pending.splice(i, 1);
	return [...new Set(pending.map((p) => p.what)), ...signalListeners()];
}
