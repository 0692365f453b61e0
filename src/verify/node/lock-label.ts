/** The name and creation site a witness shows for a tracked lock. */
import type { Frame } from '../facts.ts';
import { isUserFrame, readableName, type ChainContext } from './chain.ts';
import type { LockRecord } from './lock-registry.ts';
import { lockName } from './lock-names.ts';
import { displayPath, framePath, sourceLines } from './source-files.ts';

/**
 * `Store.lock` (from `private readonly lock = new Mutex()` in class Store), `cacheLock`, or
 * `Mutex created at store.ts:12` when the creating line does not name it. Looks one frame further
 * out when the lock was made by a helper (`this.lock = makeLock()`).
 */
export function labelLock(record: LockRecord, ctx: ChainContext): { name: string; createdAt?: Frame } {
	const kind = record.type;
	const frames = (record.createdBy?.() ?? []).filter((f) => isUserFrame(f, ctx));
	if (!frames.length) return { name: `${kind} ${`#${record.id.split(':')[1]}`}` };
	// A field initialiser's frame is `<instance_members_initializer>`; its caller (`new Store`) says more.
	const fn = (i: number) => readableName(/^<\w+_initializer>$/.test(frames[i].function) && frames[i + 1] ? frames[i + 1].function : frames[i].function);
	const at = (i: number): Frame => ({ function: fn(i), file: displayPath(framePath(frames[i].file)!, ctx.snippetDir), line: frames[i].line });
	for (let i = 0; i < Math.min(2, frames.length); i++) {
		const lines = sourceLines(framePath(frames[i].file)!);
		const name = lines && lockName(lines, frames[i].line - 1, frames[i].function, frames[i + 1]?.function);
		if (name) return { name, createdAt: at(i) };
	}
	const created = at(0);
	return { name: `${kind} created at ${created.file}:${created.line}`, createdAt: created };
}
