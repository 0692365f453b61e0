/** Importing the snippet and finding its main(). */
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadFailure, noMainMessage } from './errors.ts';

export type Loaded = { ok: true; main: () => unknown } | { ok: false; message: string };

/**
 * Imports `file` (TypeScript through Node's type stripping) and returns its exported `main`, or a
 * message saying why it cannot run (does not load, or has no main function).
 */
export async function loadSnippet(file: string): Promise<Loaded> {
	let mod: Record<string, unknown>;
	try {
		mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
	} catch (error) {
		return { ok: false, message: loadFailure(error, file, dirname(file)) };
	}
	const fromDefault = (mod.default as Record<string, unknown> | undefined)?.main;
	const main = typeof mod.main === 'function' ? mod.main : typeof fromDefault === 'function' ? fromDefault : null;
	if (!main && 'main' in mod) return { ok: false, message: `exports main, but it is ${mod.main === null ? 'null' : `a ${typeof mod.main}`}, not a function. Export \`async function main() { … }\`.` };
	if (!main) return { ok: false, message: noMainMessage(Object.keys(mod).filter((k) => k !== 'default')) };
	return { ok: true, main: main as () => unknown };
}
