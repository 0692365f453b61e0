/**
 * Critical sections that V8 can name in an async stack trace. Each runExclusive callback runs
 * inside an async function whose `name` is unique among the running sections
 * (`__trapCatalogSection_7`); V8 prints that name in `at async …` frames, so a stack captured
 * inside a waiting request says which critical sections are suspended awaiting it. An ended
 * section's id, and its runner, go to the next section (lock-registry.ts): only running
 * activations appear in a stack, and making a named function per section cost more than the rest
 * of a section's bookkeeping.
 */
import type { RawFrame } from './stack.ts';

/** What every section runner's name starts with: a stack without it awaits no section. */
export const SECTION_PREFIX = '__trapCatalogSection_';
const PREFIX = SECTION_PREFIX;
// V8 may prefix the receiver's type: `at async Object.__trapCatalogSection_7`.
const SECTION_FRAME = new RegExp(`(?:^|\\.)${PREFIX}(\\d+)$`);

/** A runner that awaits `callback()` inside an async function named after section `id`. */
export type SectionRunner = <T>(callback: () => T | PromiseLike<T>) => Promise<Awaited<T>>;

/** Makes the async function named after section `id` that runs a section's callback and awaits its result. */
export function makeSectionRunner(id: number): SectionRunner {
	const run = async function <T>(callback: () => T | PromiseLike<T>): Promise<Awaited<T>> {
		return await callback();
	};
	Object.defineProperty(run, 'name', { value: `${PREFIX}${id}` });
	return run;
}

/** The section id a frame belongs to when it is a section runner's frame, else null. */
export function sectionOfFrame(frame: RawFrame): number | null {
	const m = SECTION_FRAME.exec(frame.function);
	return m ? Number(m[1]) : null;
}

/**
 * Sections proven to be suspended until the request at the top of `frames` settles: the section
 * runners among the `at async` frames, innermost first. Reading stops at `Promise.all` and
 * `Promise.any` frames (a sibling can end the wait early: a rejection, a fulfilment), so every
 * section returned really is awaiting the request; `Promise.allSettled` waits for all, and passes.
 */
export function sectionsAwaiting(frames: RawFrame[]): number[] {
	const ids: number[] = [];
	for (const f of frames) {
		if (f.native && f.async && f.function !== 'Promise.allSettled') break; // async Promise.all (index n), Promise.any
		if (!f.async) continue; // the probe's own synchronous frames
		const id = sectionOfFrame(f);
		if (id !== null) ids.push(id);
	}
	return ids;
}
