/**
 * Keeps V8's async stack traces to links that really wait. V8 silently follows a promise into
 * the promise whose built-in resolve function was registered on it. That is sound when the
 * resolve functions belong to Promise machinery that locked the outer promise to the inner one
 * (an async function returning a promise, `resolve(promise)`: a Promise job registers them); it
 * is not when something else can settle the outer promise: `Promise.race`, or
 * `new Promise((resolve) => { p.then(resolve); setTimeout(resolve, 100) })`. This guard wraps
 * built-in handlers passed to `then` by JavaScript code in plain closures, which V8 does not
 * follow, so such a link ends the chain instead of claiming a wait that may not happen.
 * `Promise.all`, `allSettled` and `any` are left alone: V8 shows them as frames of their own
 * (`at async Promise.all (index 0)`), where sections.ts decides.
 *
 * Telling a combinator's own `then` calls from the program's takes a look at the caller's frame
 * (a stack capture, microseconds), once per element. A combinator called on Promise itself with a
 * plain array of plain promises and primitives, with the iterator, `Promise.resolve`,
 * `Promise.prototype.constructor` and this guard in place as built in, and no promise hooks, runs
 * no code of the program while it calls `then`: every `then` call during it is its own, and needs
 * no look (see {@link runsNoProgramCode}). Anything else takes the look as before.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { types } from 'node:util';
import { callerOf } from './stack.ts';

/** Combinators V8 names in async stack traces (the caller frame of their internal `then`). */
const VISIBLE_COMBINATOR = /^Promise\.(all|allSettled|any) \(<anonymous>\)$/;

const nativeToString = Function.prototype.toString;

/**
 * `Promise.prototype.then` as it was before the guard: for the harness's own links, whose handlers
 * are plain closures that the guard would pass through unchanged anyway (it wraps only built-ins).
 */
export const nativeThen: typeof Promise.prototype.then = Promise.prototype.then;
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const INSTALLED = Symbol.for('trap-catalog.promiseLinkGuard');

function isBuiltin(fn: unknown): fn is (value: unknown) => unknown {
	// Resolve functions and Promise combinator closures: no prototype, native source.
	if (typeof fn !== 'function' || Object.prototype.hasOwnProperty.call(fn, 'prototype')) return false;
	try {
		return NATIVE.test(nativeToString.call(fn));
	} catch {
		return false; // A revoked proxy or the like: not a resolve function.
	}
}

function plain(handler: unknown): unknown {
	if (!isBuiltin(handler)) return handler;
	return (value: unknown) => handler(value);
}

/** > 0 while a combinator call that runs no code of the program is under way (see {@link runsNoProgramCode}). */
let trustedCombinator = 0;
/** The program asked for promise hooks (async_hooks.createHook, v8.promiseHooks): its code may run inside any promise operation. */
let promiseHooksUsed = false;

const NativePromise = Promise;
const promiseProto = Promise.prototype;
const nativeResolve = Promise.resolve;
const arrayValues = Array.prototype[Symbol.iterator];
const arrayIteratorProto = Object.getPrototypeOf([][Symbol.iterator]()) as object;
const arrayIteratorNext = (arrayIteratorProto as { next: unknown }).next;
const NO_VALUE = Symbol('accessor or missing');

/** The value of `o`'s own data property `key`, read without running a getter; NO_VALUE when it has none. */
function ownValue(o: object, key: PropertyKey): unknown {
	const d = Object.getOwnPropertyDescriptor(o, key);
	return d && 'value' in d ? d.value : NO_VALUE;
}

/**
 * True when `Promise.all` / `allSettled` / `any` called with `self` as `this` on `iterable` can run
 * no code of the program: `self` is Promise; the iterable is a plain (not proxied) non-empty Array
 * whose elements are own data properties, each a primitive or a plain promise (Promise.prototype,
 * no own `then` or `constructor`); the array iterator, `Promise.resolve`,
 * `Promise.prototype.constructor` and `Promise.prototype.then` (`guard`) are the built-in ones as
 * data properties; no promise hooks. Then iterating, `Promise.resolve` (which returns each promise
 * as is, or wraps a primitive) and the `then` lookups reach only built-ins and the guard. Every check
 * reads descriptors, never a getter: it runs no code of the program either.
 */
function runsNoProgramCode(self: unknown, iterable: unknown, guard: unknown): boolean {
	if (promiseHooksUsed || self !== NativePromise || types.isProxy(iterable) || !Array.isArray(iterable)) return false;
	if (Object.getPrototypeOf(iterable) !== Array.prototype || Object.hasOwn(iterable, Symbol.iterator)) return false;
	if (ownValue(Array.prototype, Symbol.iterator) !== arrayValues || ownValue(arrayIteratorProto, 'next') !== arrayIteratorNext) return false;
	if (ownValue(NativePromise, 'resolve') !== nativeResolve || ownValue(promiseProto, 'constructor') !== NativePromise || ownValue(promiseProto, 'then') !== guard) return false;
	const n = iterable.length;
	if (n === 0) return false; // resolving with [] looks up `then` on the array
	for (let i = 0; i < n; i++) {
		const v = ownValue(iterable, i);
		if (v === NO_VALUE) return false; // a hole or an accessor
		if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
		if (!types.isPromise(v) || types.isProxy(v) || Object.getPrototypeOf(v) !== promiseProto || Object.hasOwn(v, 'then') || Object.hasOwn(v, 'constructor')) return false;
	}
	return true;
}

/** Marks promise hooks as used when the program asks for them (they run its code inside promise operations). */
function watchPromiseHooks(): void {
	const load = createRequire(import.meta.url);
	const asyncHooks = load('node:async_hooks') as Record<string, unknown>;
	const createHook = asyncHooks.createHook as (...args: unknown[]) => unknown;
	asyncHooks.createHook = function createHook_(this: unknown) {
		promiseHooksUsed = true;
		return createHook.apply(this, arguments as unknown as unknown[]);
	};
	Object.defineProperty(asyncHooks.createHook, 'name', { value: 'createHook' });
	const hooks = (load('node:v8') as { promiseHooks?: Record<string, unknown> }).promiseHooks;
	for (const key of Object.keys(hooks ?? {})) {
		const original = hooks![key];
		if (typeof original !== 'function') continue;
		hooks![key] = function (this: unknown) {
			promiseHooksUsed = true;
			return original.apply(this, arguments as unknown as unknown[]);
		};
		Object.defineProperty(hooks![key], 'name', { value: key });
	}
	syncBuiltinESMExports();
}

/**
 * Installs the guard on `Promise.prototype.then` (once per process). Behaviour is unchanged: the
 * same handlers run with the same values, in the same order.
 */
export function installPromiseLinkGuard(): void {
	const proto = Promise.prototype as unknown as Record<symbol, unknown> & { then: typeof Promise.prototype.then };
	if (proto[INSTALLED]) return;
	const originalThen = proto.then;
	const then = function then(this: Promise<unknown>, onFulfilled?: unknown, onRejected?: unknown) {
		if (trustedCombinator === 0 && (isBuiltin(onFulfilled) || isBuiltin(onRejected))) {
			// No JavaScript below: a Promise job adopting a returned promise, whose resolve
			// functions are private to the adopting promise. Leave those, and the visible combinators, be.
			const caller = callerOf(then);
			if (caller !== null && !VISIBLE_COMBINATOR.test(caller)) {
				onFulfilled = plain(onFulfilled);
				onRejected = plain(onRejected);
			}
		}
		return originalThen.call(this, onFulfilled as never, onRejected as never);
	};
	Object.defineProperty(proto, 'then', { value: then, writable: true, configurable: true, enumerable: false });
	Object.defineProperty(proto, INSTALLED, { value: true });

	// The visible combinators, marked while they run no code of the program. Methods (not
	// constructors, as the built-ins), named and sized as the built-ins.
	const statics = Promise as unknown as Record<string, (this: unknown, iterable: unknown) => unknown>;
	for (const name of ['all', 'allSettled', 'any'] as const) {
		const combinator = statics[name];
		const wrapped = {
			[name](this: unknown, iterable: unknown) {
				if (!runsNoProgramCode(this, iterable, then)) return combinator.call(this, iterable);
				trustedCombinator++;
				try {
					return combinator.call(this, iterable);
				} finally {
					trustedCombinator--;
				}
			},
		}[name];
		Object.defineProperty(wrapped, 'length', { value: combinator.length });
		Object.defineProperty(Promise, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
	}
	watchPromiseHooks();
}
