/** Thrown values as the protocol reports them, and load failures as messages that say what to do. */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { RunError } from '../protocol.ts';

/** The error class a developer recognises: `InvariantBroken` for `class InvariantBroken extends Error`. */
function typeOf(value: unknown): string {
	if (value instanceof Error) {
		const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
		return value.name && value.name !== 'Error' ? value.name : ctor || 'Error';
	}
	return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'Object') : typeof value;
}

/** Describes anything thrown or rejected (Errors, strings, objects) as {type, message, text}. */
export function describeThrown(value: unknown): RunError {
	if (value instanceof Error) {
		return { type: typeOf(value), message: value.message, text: value.stack ?? `${value.name}: ${value.message}` };
	}
	const text = typeof value === 'string' ? value : inspect(value, { depth: 4 });
	return { type: typeOf(value), message: text, text: `Uncaught ${text}` };
}

/**
 * Why a snippet did not load, in one message: the error with its place in the file, and what to
 * change. For syntax errors Node puts the offending line with a caret first in the stack; paths are
 * shown relative to `cwd` (the snippet's folder).
 */
export function loadFailure(error: unknown, file: string, cwd: string): string {
	const rel = relative(cwd, file) || file;
	if (!(error instanceof Error)) return `does not load: ${String(error)}`;
	const code = (error as { code?: string }).code;
	const head = `${error.name}${code && !error.name.includes(code) ? ` [${code}]` : ''}: ${error.message}`;
	const stack = error.stack ?? '';
	// `/abs/file.ts:2\n  source line\n  ^^^\n\nSyntaxError: …`: keep the location and the excerpt.
	const excerpt = /^((?:file:\/\/)?\/[^\n]*):(\d+)\n([\s\S]*?)\n\n/.exec(stack);
	const where = excerpt ? `\nat ${relative(cwd, excerpt[1].startsWith('file:') ? fileURLToPath(excerpt[1]) : excerpt[1])}:${excerpt[2]}\n${excerpt[3]}` : '';
	const hint =
		code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX'
			? 'Node runs TypeScript by erasing types only: replace enums, namespaces and parameter properties with plain JavaScript.'
			: error.name === 'SyntaxError'
				? `Fix the syntax so that \`node ${rel}\` loads it.`
				: code === 'ERR_MODULE_NOT_FOUND'
					? 'Check the import path (TypeScript imports need their .ts extension) or install the package.'
					: 'The error was thrown while the module was being imported, before main() could run; move that work into main() or fix it.';
	return `does not load: ${head}${where}\n${hint}`;
}

/** The message for a module without a main() function. */
export function noMainMessage(exported: string[]): string {
	const has = exported.length ? ` (it exports ${exported.slice(0, 8).join(', ')})` : ' (it exports nothing)';
	return `exports no main() function${has}. Add \`export async function main() { … }\` (a sync function works too); the engine calls it and waits for it.`;
}
