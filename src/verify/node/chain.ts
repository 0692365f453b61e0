/** Turning a V8 stack into the await chain a reader sees: their code only, outermost first. */
import type { Frame } from '../facts.ts';
import { sectionOfFrame } from './sections.ts';
import { displayPath, framePath } from './source-files.ts';
import type { RawFrame } from './stack.ts';

/** Where frames come from, so that the harness and library internals can be left out. */
export interface ChainContext {
	/** The snippet's folder: paths inside it are shown relative to it. */
	snippetDir: string;
	/** Folders whose frames are never shown (the harness itself, the patched lock library). */
	hiddenDirs: string[];
}

/** A frame of the snippet (or of a library it uses), not of Node, the harness or the patched lock library. */
export function isUserFrame(f: RawFrame, ctx: ChainContext): boolean {
	if (f.native || !f.file) return false;
	const path = framePath(f.file);
	if (!path) return false;
	return !ctx.hiddenDirs.some((dir) => path.startsWith(dir));
}

/** The name a reader recognises: `<anonymous>` for nameless functions, `Object.` prefixes dropped. */
export function readableName(fn: string): string {
	const name = fn.replace(/^Object\./, '').replace(/^async /, '');
	return name === '' || name === '<anonymous>' ? '<anonymous>' : name;
}

/**
 * Converts V8 frames (innermost first) into a chain, outermost first, with `api` (e.g.
 * `Mutex.runExclusive`) as its innermost entry. Frames of Node, the harness and the lock library
 * are left out. An anonymous runExclusive callback takes the name of the function that called
 * runExclusive, whose own frame (the runExclusive call) then drops out: `Store.rebuild (f.ts:40)`
 * instead of `Store.rebuild (f.ts:38) → <anonymous> (f.ts:40)`.
 */
export function toChain(frames: RawFrame[], ctx: ChainContext, api?: Frame): Frame[] {
	const out: (Frame & { anonymous: boolean })[] = [];
	let boundary = false;
	for (const f of frames) {
		if (sectionOfFrame(f) !== null) {
			boundary = true;
			continue;
		}
		if (!isUserFrame(f, ctx)) continue;
		const name = readableName(f.function);
		const frame = { function: name, file: displayPath(framePath(f.file)!, ctx.snippetDir), line: f.line, anonymous: name === '<anonymous>' };
		const callback = out[out.length - 1];
		if (boundary && callback?.anonymous && callback.file === frame.file && !frame.anonymous) {
			callback.function = frame.function;
			callback.anonymous = false;
		} else {
			out.push(frame);
		}
		boundary = false;
	}
	const chain: Frame[] = out.map(({ function: fn, file, line }) => ({ function: fn, file, line }));
	if (api) chain.unshift(api);
	return chain.reverse();
}

/** The innermost named function of the snippet in `frames` (after callback naming), or `fallback`. */
export function innermostName(frames: RawFrame[], ctx: ChainContext, fallback: string): string {
	const chain = toChain(frames, ctx);
	for (let i = chain.length - 1; i >= 0; i--) if (chain[i].function !== '<anonymous>') return chain[i].function;
	return fallback;
}
