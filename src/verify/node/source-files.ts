/** Source files as the witness shows them: paths short enough to read, lines read once. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file-system path of a frame's file (`file:///x.ts` or `/x.ts`), or null for `node:` and other non-files. */
export function framePath(file: string): string | null {
	if (file.startsWith('file://')) {
		try {
			return fileURLToPath(file);
		} catch {
			return null;
		}
	}
	return isAbsolute(file) ? file : null;
}

/**
 * A path as a reader wants it: relative to the snippet's folder when inside it, from the package
 * name on inside node_modules, relative with `../` up to two folders up, absolute beyond.
 */
export function displayPath(path: string, snippetDir: string): string {
	const rel = relative(snippetDir, path);
	if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
	const nm = path.lastIndexOf(`${sep}node_modules${sep}`);
	if (nm !== -1) return path.slice(nm + '/node_modules/'.length).split(sep).join('/');
	const ups = rel.split(sep).filter((part) => part === '..').length;
	return (ups <= 2 && !isAbsolute(rel) ? rel : path).split(sep).join('/');
}

const cache = new Map<string, string[] | null>();

/** The lines of a source file (1-based access through `line - 1`), or null when it cannot be read. */
export function sourceLines(path: string): string[] | null {
	if (!cache.has(path)) {
		try {
			cache.set(path, readFileSync(path, 'utf8').split(/\r?\n/));
		} catch {
			cache.set(path, null);
		}
	}
	return cache.get(path)!;
}
