/**
 * A full garbage collection on demand, to learn whether the program still holds a reference to
 * something (a lock's release function). `--expose-gc` is switched on only when first needed, in a
 * fresh context, so the program's own globals never see a `gc` function.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Runs a full collection; false when this Node cannot (then nothing may be concluded from WeakRefs). */
export function collectGarbage(): boolean {
	if (gc === undefined) {
		try {
			setFlagsFromString('--expose-gc');
			const found = runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
			gc = found;
		} catch {
			gc = null;
		}
	}
	if (!gc) return false;
	gc();
	return true;
}
