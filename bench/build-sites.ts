// The two sites bench/build compares, as files to write: the catalog with N copies of a trap, and a
// stock Starlight site holding the same pages as plain Markdown. Pure: text in, file maps out.
import { splitFrontmatter } from '../src/catalog/frontmatter.ts';
import { extractRegion } from '../src/catalog/regions.ts';
import { findSnippetReferences } from '../src/catalog/snippet-refs.ts';
import { languageOf } from '../src/verify/languages.ts';

/** Relative path → file content. */
export type FileMap = Map<string, string>;

/** A trap to copy: its page, its snippet files and the verification records of its programs. */
export interface TrapSource {
	id: string;
	page: string;
	snippets: Map<string, string>;
	records: Map<string, string>;
}

/** The name of the i-th generated copy (1-based): `bench-trap-0001`. */
export function copyName(i: number): string {
	return `bench-trap-${String(i).padStart(4, '0')}`;
}

/** Replaces every occurrence of the trap's id with `name` (the page's `name:`, record paths, the title gets a suffix). */
function renamed(text: string, from: string, to: string): string {
	return text.split(from).join(to);
}

/**
 * The catalog's content for `n` copies of `trap`: `content/traps/<copy>.mdx`, `snippets/<copy>/…`
 * and `.verify/results/<copy>/…`, each copy titled with its number so that no two pages are equal.
 */
export function catalogCopies(trap: TrapSource, n: number): FileMap {
	const files: FileMap = new Map();
	for (let i = 1; i <= n; i++) {
		const name = copyName(i);
		const page = renamed(trap.page, trap.id, name).replace(/^title: (.*)$/m, `title: $1 (copy ${i})`);
		files.set(`content/traps/${name}.mdx`, page);
		for (const [file, text] of trap.snippets) files.set(`snippets/${name}/${file}`, text);
		for (const [file, text] of trap.records) files.set(`.verify/results/${name}/${file}`, renamed(text, trap.id, name));
	}
	return files;
}

/**
 * The trap page as stock Starlight Markdown: the same frontmatter title and description, the same
 * prose, and every `<Snippet>` replaced by the code it shows as a fenced block titled with the file
 * name (expressive-code's `title=`), followed by the whole file when the snippet shows a region.
 * `<RedFlags>` and `<Checklist>` wrappers are dropped, their lists kept.
 */
export function stockMarkdown(trap: TrapSource, title: string, description: string): string {
	const split = splitFrontmatter(trap.page, `${trap.id}.mdx`);
	const { references } = findSnippetReferences(split.body, split.bodyStartLine);
	const byLine = new Map(references.map((r) => [r.line, r]));
	const out: string[] = ['---', `title: ${JSON.stringify(title)}`, `description: ${JSON.stringify(description)}`, '---', ''];
	split.body.split('\n').forEach((text, i) => {
		const ref = byLine.get(split.bodyStartLine + i);
		if (ref) {
			const source = trap.snippets.get(ref.file);
			if (source === undefined) throw new Error(`${trap.id}.mdx:${ref.line}: snippet ${ref.file} is not in snippets/${trap.id}/`);
			const lang = languageOf(ref.file) ?? 'text';
			const fence = (code: string, name: string) => ['```' + lang + ` title="${name}"`, code, '```', ''];
			out.push(...fence(extractRegion(source, ref.file, ref.region).map((l) => l.text).join('\n'), ref.title ?? ref.file));
			if (ref.region) out.push(...fence(extractRegion(source, ref.file).map((l) => l.text).join('\n'), `${ref.file} (whole file)`));
			return;
		}
		if (/^\s*<\/?(RedFlags|Checklist)>\s*$/.test(text)) return;
		out.push(text);
	});
	return out.join('\n');
}

/**
 * A stock Starlight 0.42 site (expressive-code on, `src/content/docs`) with `n` copies of `trap` as
 * Markdown pages. `versions` are the catalog's own `astro` and `@astrojs/starlight` ranges: the
 * package.json must list them, or Vite externalizes Starlight and its `astro:` imports fail.
 */
export function stockSite(trap: TrapSource, n: number, title: string, description: string, versions: Record<string, string>): FileMap {
	const files: FileMap = new Map();
	files.set(
		'astro.config.mjs',
		[
			"import { defineConfig } from 'astro/config';",
			"import starlight from '@astrojs/starlight';",
			'',
			"export default defineConfig({ site: 'https://stock.example.org', integrations: [starlight({ title: 'Stock Starlight' })] });",
			'',
		].join('\n'),
	);
	files.set(
		'src/content.config.ts',
		[
			"import { defineCollection } from 'astro:content';",
			"import { docsLoader } from '@astrojs/starlight/loaders';",
			"import { docsSchema } from '@astrojs/starlight/schema';",
			'',
			'export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };',
			'',
		].join('\n'),
	);
	files.set('package.json', JSON.stringify({ name: 'stock-starlight', private: true, type: 'module', devDependencies: versions }, null, '\t') + '\n');
	files.set('src/content/docs/index.md', '---\ntitle: Stock Starlight\n---\n\nThe same pages as the catalog, as plain Markdown.\n');
	for (let i = 1; i <= n; i++) {
		const name = copyName(i);
		files.set(`src/content/docs/${name}.md`, stockMarkdown({ ...trap, page: renamed(trap.page, trap.id, name) }, `${title} (copy ${i})`, description));
	}
	return files;
}
