// `npm run lint:catalog`: the fast loop's first step. Checks every trap page and its snippet
// references (frontmatter, related traps, snippet files, regions, marks, sections) and every file
// under snippets/ being declared by its page, in well under a second, without building the site
// or running a program. Prints `file:line: field: reason` per problem; exits 1 when there is any.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, type CatalogProblem } from './check-trap.ts';
import { locateField } from './frontmatter.ts';
import { loadCatalog } from './load-catalog.ts';
import { SNIPPETS_DIR } from './snippet-path.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string): string[] {
	let entries;
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
	return entries.flatMap((e) => {
		if (e.name === '__pycache__' || e.name.startsWith('.')) return [];
		const path = join(dir, e.name);
		return e.isDirectory() ? filesUnder(path) : [path];
	});
}

const t0 = performance.now();
const catalog = loadCatalog(ROOT);
const problems: CatalogProblem[] = [...catalog.problems];
const declared = new Set(catalog.pages.flatMap((p) => (p.data?.snippets ?? []).map((s) => `${SNIPPETS_DIR}/${p.id}/${s.file}`)));
const pages = new Map(catalog.pages.map((p) => [p.id, p]));
for (const file of filesUnder(join(ROOT, SNIPPETS_DIR)).map((f) => relative(ROOT, f))) {
	if (declared.has(file)) continue;
	const page = pages.get(file.split('/')[1]);
	problems.push(
		page
			? { file: page.file, line: page.split.yamlStartLine + Math.max(0, locateField(page.split.yaml, ['snippets']) - 1), field: 'snippets', message: `${file} is not declared: add it to "snippets" (a program with "expect", or role: module) and show it with <Snippet>, or delete it` }
			: { file, line: 1, message: `no trap page shows this file: write the page content/traps/<name>.mdx or delete the folder` },
	);
}
for (const p of problems) console.error(formatProblem(p));
const refs = catalog.pages.reduce((n, p) => n + (p.data?.snippets.length ?? 0), 0);
const ms = Math.round(performance.now() - t0);
console.log(
	problems.length
		? `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${catalog.pages.length} trap page${catalog.pages.length === 1 ? '' : 's'} (${ms} ms). README.md "Adding a trap" describes the page format.`
		: `${catalog.pages.length} trap page${catalog.pages.length === 1 ? '' : 's'}, ${refs} snippet declarations: no problems (${ms} ms).`,
);
process.exitCode = problems.length ? 1 : 0;
