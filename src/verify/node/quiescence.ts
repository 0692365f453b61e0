/**
 * Quiescence: the event loop has drained (Node is about to exit: `beforeExit`) while main() is
 * still pending. Nothing is left that could resume it, so it never will. Unref'd timers and
 * processes the program still has are waited for first: they can still fire. A program with its
 * own `beforeExit` listener is never proven this way (that listener may start new work).
 */

/** How often the loop is kept turning while unref'd work of the program is still pending. */
export const POLL_MS = 20;

export interface QuiescenceOptions {
	/** main() has not settled and no verdict was written. */
	stillWaiting(): boolean;
	/** Unref'd work of the program that is still pending (see unref-tracker.ts). */
	pendingUnrefs(): string[];
	/** The loop is quiescent; write the verdict (the process is kept alive until it is written). */
	onQuiescent(): void;
}

/** Watches for quiescence; only meaningful with detection on (with it off a ref'd timer keeps the loop alive). */
export function watchQuiescence(options: QuiescenceOptions): void {
	let reported = false;
	process.on('beforeExit', () => {
		if (reported || !options.stillWaiting()) return;
		// The program's own beforeExit listeners run after this one and may schedule work that
		// resumes main(): no proof then. Unref'd work still pending can fire: look again later.
		if (process.listenerCount('beforeExit') > 1 || options.pendingUnrefs().length) {
			setTimeout(() => {}, POLL_MS); // Ref'd: one more turn of the loop, then look again.
			return;
		}
		reported = true;
		setTimeout(() => {}, 2000); // Keeps the process up while the verdict is being put together.
		options.onQuiescent();
	});
}
