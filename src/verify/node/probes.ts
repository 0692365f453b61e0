/**
 * Waiting for a lock in a way that can be asked "who is awaiting you?". A waiting request sleeps
 * in {@link waitForLock}; {@link probe} wakes it for one step, in which it captures its own stack.
 * Captured there, V8's async stack trace lists every async function suspended on the request's
 * promise, innermost first, and so every runExclusive section that cannot finish before it.
 */
import type { LockRequest } from './lock-registry.ts';
import { nativeThen } from './promise-links.ts';
import { SECTION_PREFIX, sectionsAwaiting } from './sections.ts';
import { captureStack, parseStack, type RawFrame } from './stack.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Resolves like `acquiring` (the library's own acquire or waitForUnlock promise) and marks
 * `request` settled; until then it answers probes. Must be awaited directly by the patched
 * method, which the program awaits, so that the await chain stays visible.
 */
export async function waitForLock<T>(request: LockRequest, acquiring: Promise<T>, settled: () => void): Promise<T> {
	let outcome: Outcome<T> | null = null;
	let wake!: () => void;
	let signal = new Promise<void>((resolve) => (wake = resolve));
	// The library's promises are plain ones: their link to us needs no guard (promise-links.ts).
	const then = Object.getPrototypeOf(acquiring) === Promise.prototype ? nativeThen : acquiring.then;
	then.call(
		acquiring,
		(value) => {
			outcome = { ok: true, value };
			wake();
		},
		(error: unknown) => {
			outcome = { ok: false, error };
			wake();
		},
	);
	// A probe resolves the current signal (renewed after each probe).
	if (request.blocked) request.wake = wake;
	for (;;) {
		await signal;
		if (outcome) break;
		const stack = captureStack();
		let frames: RawFrame[] | null = null;
		request.probed = () => (frames ??= parseStack(stack));
		request.awaitedBy = stack.includes(SECTION_PREFIX) ? sectionsAwaiting(request.probed()) : [];
		signal = new Promise<void>((resolve) => (wake = resolve));
		if (request.blocked) request.wake = wake;
		finishProbe(request);
	}
	request.wake = null;
	settled();
	finishProbe(request);
	const result = outcome as Outcome<T>;
	if (!result.ok) throw result.error;
	return result.value;
}

function finishProbe(request: LockRequest): void {
	if (!request.probeDone.length) return;
	const done = request.probeDone.splice(0);
	for (const d of done) d();
}

/** Wakes a waiting request so that it captures its await chain; resolves once it did (or settled). */
export function probe(request: LockRequest): Promise<void> {
	if (!request.pending || !request.wake) return Promise.resolve();
	return new Promise((resolve) => {
		request.probeDone.push(resolve);
		request.wake!();
	});
}
