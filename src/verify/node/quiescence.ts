/**
 * Quiescence: the event loop has drained (Node is about to exit: `beforeExit`) while main() is
 * still pending. Nothing is left that could resume it, so it never will. Unref'd work the program
 * still has (unref-tracker.ts) is waited for first: it can still fire. A program with its own
 * `beforeExit` listener is never proven this way (that listener may start new work). With
 * detection off, the same turns keep a drained loop going until the timeout.
 */

/** How often the loop is kept turning while unref'd work of the program is still pending. */
const POLL_MS = 20;

/** One more turn of the loop, POLL_MS from now (a ref'd timer). */
const turnAgain = () => setTimeout(() => {}, POLL_MS);

export interface QuiescenceOptions {
	/** main() has not settled and no verdict was written. */
	stillWaiting(): boolean;
	/** Unref'd work of the program that is still pending (see unref-tracker.ts). */
	pendingUnrefs(): string[];
	/** The loop is quiescent; write the verdict (the process is kept alive until it is written). */
	onQuiescent(): void;
}

/** Watches for quiescence; only meaningful with detection on (with it off, see keepDrainedLoopTurning). */
export function watchQuiescence(options: QuiescenceOptions): void {
	let reported = false;
	process.on('beforeExit', () => {
		if (reported || !options.stillWaiting()) return;
		// The program's own beforeExit listeners run after this one and may schedule work that
		// resumes main(): no proof then. Unref'd work still pending can fire: look again later.
		if (process.listenerCount('beforeExit') > 1 || options.pendingUnrefs().length) {
			turnAgain(); // then look again
			return;
		}
		reported = true;
		setTimeout(() => {}, 2000); // Keeps the process up while the verdict is being put together.
		options.onQuiescent();
	});
}

/**
 * With detection off: once the loop has drained while `stillWaiting()` (Node would exit 0 or 13
 * there), keeps it turning, one turn every POLL_MS, as watchQuiescence does while unref'd work is
 * pending, so that the program's unref'd timers and immediates run as they do with detection on.
 * `beforeExit` fires as in Node, so the program's own listeners run too.
 */
export function keepDrainedLoopTurning(stillWaiting: () => boolean): void {
	process.on('beforeExit', () => {
		if (stillWaiting()) turnAgain();
	});
}
