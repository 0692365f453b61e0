import type { Loader } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { CatalogError, parseTrapPage, validateFrontmatter, type CatalogProblem } from './check-trap.ts';
import { loadCatalog, TRAPS_DIR } from './load-catalog.ts';

/**
 * The `traps` collection loader: Astro's glob loader over `content/traps/*.mdx`, preceded by
 * the whole-catalog check, so that any bad frontmatter, missing snippet, missing region or
 * unknown related trap fails the build with `file:line: field: reason` for each problem.
 */
export function trapsLoader(): Loader {
	const inner = glob({ pattern: '*.mdx', base: `./${TRAPS_DIR}` });
	return {
		name: 'trap-catalog-loader',
		load: async (context) => {
			const root = fileURLToPath(context.config.root);
			const { problems } = loadCatalog(root);
			if (problems.length) throw contentError(problems);
			await inner.load({
				...context,
				// On a file change in dev, re-check that page's frontmatter with line numbers.
				parseData: async (props) => {
					if (props.filePath) {
						const file = relative(root, props.filePath);
						const page = parseTrapPage(file, readFileSync(props.filePath, 'utf8'));
						const located = page.problems.length ? page.problems : validateFrontmatter(props.data, page);
						if (located.length) throw contentError(located);
					}
					return context.parseData(props);
				},
			});
		},
	};
}

/**
 * The error a content mistake fails the build with: its `file:line: field: reason` lines and
 * nothing else. Without a stack, Astro prints the message alone, not a location and stack trace
 * inside this loader, which say nothing to an author.
 */
function contentError(problems: CatalogProblem[]): CatalogError {
	const error = new CatalogError(problems);
	error.stack = '';
	return error;
}
