import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { checkTrapPage, parseTrapPage, type CatalogProblem, type ParsedTrapPage } from './check-trap.ts';
import { resolveSnippetPath, SNIPPETS_DIR } from './snippet-path.ts';

/** Where trap pages live, relative to the project root. */
export const TRAPS_DIR = 'content/traps';

/** Every trap page of the catalog, parsed, with every problem found in any of them. */
export interface LoadedCatalog {
	pages: ParsedTrapPage[];
	problems: CatalogProblem[];
}

/**
 * Reads and checks every `content/traps/*.mdx` under `root`: frontmatter schema, related
 * traps, snippet files, regions, marked lines and required sections.
 */
export function loadCatalog(root: string): LoadedCatalog {
	const dir = join(root, TRAPS_DIR);
	const names = readdirSync(dir).filter((f) => f.endsWith('.mdx')).sort();
	const pages = names.map((name) => parseTrapPage(`${TRAPS_DIR}/${name}`, readFileSync(join(dir, name), 'utf8')));
	const knownTraps = new Set(pages.map((p) => p.id));
	const problems = pages.flatMap((page) => checkTrapPage(page, { root, knownTraps, readSnippet: (p) => readIfInside(root, p) }));
	return { pages, problems };
}

/**
 * Reads a snippet file, following symlinks only while they stay inside `snippets/`.
 * Returns null when the file does not exist.
 */
export function readIfInside(root: string, absolutePath: string): string | null {
	let real: string;
	try {
		real = realpathSync(absolutePath);
	} catch {
		return null;
	}
	const snippetsRoot = realpathSync(resolve(root, SNIPPETS_DIR));
	if (!real.startsWith(snippetsRoot + sep)) {
		throw new Error(`${relative(root, absolutePath)} resolves to ${real}, outside ${SNIPPETS_DIR}/; snippets must be real files in the catalog.`);
	}
	return readFileSync(real, 'utf8');
}

/** Reads snippet `file` of trap `trap`; throws with the path when it is missing or outside `snippets/`. */
export function readSnippet(root: string, trap: string, file: string): string {
	const path = resolveSnippetPath(root, trap, file);
	const text = readIfInside(root, path);
	if (text === null) throw new Error(`${relative(root, path)} does not exist; create it or fix the reference.`);
	return text;
}
