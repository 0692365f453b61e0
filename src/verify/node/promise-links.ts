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
 */
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

/**
 * Installs the guard on `Promise.prototype.then` (once per process). Behaviour is unchanged: the
 * same handlers run with the same values, in the same order.
 */
export function installPromiseLinkGuard(): void {
	const proto = Promise.prototype as unknown as Record<symbol, unknown> & { then: typeof Promise.prototype.then };
	if (proto[INSTALLED]) return;
	const originalThen = proto.then;
	const then = function then(this: Promise<unknown>, onFulfilled?: unknown, onRejected?: unknown) {
		if (isBuiltin(onFulfilled) || isBuiltin(onRejected)) {
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
}
