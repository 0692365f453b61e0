import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes `files` (paths relative to `root`) and returns their paths. Refuses, before writing
 * anything, when the trap's page or snippet folder already exists, so nothing is overwritten.
 */
export function writeNewTrapFiles(root: string, id: string, files: ReadonlyMap<string, string>): string[] {
	for (const taken of [`content/traps/${id}.mdx`, `snippets/${id}`]) {
		if (existsSync(join(root, taken))) {
			throw new Error(`${taken} already exists; choose another id, or delete it first if you mean to start over.`);
		}
	}
	for (const [path, text] of files) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	return [...files.keys()];
}
