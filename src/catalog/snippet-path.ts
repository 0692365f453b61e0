import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where snippet files live, relative to the project root. */
export const SNIPPETS_DIR = 'snippets';

/**
 * The absolute path of `file` in `snippets/<trap>/` under `root`. Refuses (throws) an absolute
 * path or one that leaves the trap's snippets folder, so a page can only show catalog files.
 */
export function resolveSnippetPath(root: string, trap: string, file: string): string {
	const base = resolve(root, SNIPPETS_DIR, trap);
	const target = resolve(base, file);
	const rel = relative(base, target);
	if (isAbsolute(file) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
		throw new Error(
			`snippet path "${file}" leaves ${join(SNIPPETS_DIR, trap)}${sep}; name a file inside that folder, e.g. "failure.py".`,
		);
	}
	return target;
}

/** The path of a snippet as readers and results see it: `snippets/<trap>/<file>`. */
export function snippetId(trap: string, file: string): string {
	return `${SNIPPETS_DIR}/${trap}/${file}`;
}
