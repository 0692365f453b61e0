import { trapCard, type CardInput } from './card.ts';
import { catalogJson, type CatalogJson, type ExportTrap } from './catalog-json.ts';
import { CatalogError } from './check-trap.ts';
import { loadCatalog, readSnippet } from './load-catalog.ts';
import { observedRun, type ObservedRun } from './observed.ts';
import type { TrapFrontmatter } from './schema.ts';
import { catalogRoutes, trapRoutes, type SiteUrls } from './urls.ts';
import { currentSourceHash, freshness, readRecord } from '../verify/results.ts';

/** One trap with everything the exports are made from, read from disk. */
export interface ExportSource {
	card: CardInput;
	trap: ExportTrap;
}

/**
 * Reads the catalog under `root` (pages, snippet files, verification records) into what the
 * cards, catalog.json and llms.txt are made from. Throws a CatalogError listing every content
 * problem, the same one the build reports.
 */
export function loadExportSources(root: string, urls: SiteUrls): ExportSource[] {
	const { pages, problems } = loadCatalog(root);
	if (problems.length) throw new CatalogError(problems);
	const valid = pages.filter((p): p is typeof p & { data: TrapFrontmatter } => p.data !== undefined);
	const byName = new Map(valid.map((p) => [p.id, p.data]));
	return valid.map((page) => {
		const decls = page.data.snippets;
		const snippets = new Map(decls.map((d) => [d.file, readSnippet(root, page.id, d.file)]));
		const observed = new Map<string, ObservedRun>();
		for (const d of decls) {
			if (d.role !== 'program') continue;
			observed.set(d.file, observedRun(freshness(readRecord(root, page.id, d.file), currentSourceHash(root, page.id, decls, d.file))));
		}
		const snippetUrl = (file: string) => urls.absolute(trapRoutes.snippet(page.id, file));
		const card: CardInput = {
			page,
			snippets,
			observed,
			pageUrl: urls.absolute(trapRoutes.page(page.id)),
			snippetUrl,
			trap: (name) => {
				const d = byName.get(name);
				return d && { title: d.title, description: d.description, url: urls.absolute(trapRoutes.page(name)) };
			},
		};
		const trap: ExportTrap = {
			data: page.data,
			url: card.pageUrl,
			cardUrl: urls.absolute(trapRoutes.card(page.id)),
			markdownUrl: urls.absolute(trapRoutes.markdown(page.id)),
			snippetUrl,
			observed,
		};
		return { card, trap };
	});
}

/** The card of trap `name`; throws naming the trap when there is none. */
export function cardOf(sources: readonly ExportSource[], name: string): string {
	const s = sources.find((x) => x.card.page.id === name);
	if (!s) throw new Error(`no trap named "${name}" (content/traps/${name}.mdx does not exist).`);
	return trapCard(s.card);
}

/** catalog.json for these sources, dated by the newest verification record (a rebuild without new runs is byte-identical). */
export function catalogJsonOf(sources: readonly ExportSource[], urls: SiteUrls, title: string): CatalogJson {
	const times = sources.flatMap((s) => [...s.trap.observed.values()].flatMap((o) => (o.run ? [o.run.ranAt] : [])));
	return catalogJson(
		sources.map((s) => s.trap),
		{
			title,
			url: urls.absolute(catalogRoutes.home),
			schemaUrl: urls.absolute(catalogRoutes.catalogSchema),
			lastVerifiedAt: times.sort().at(-1) ?? null,
		},
	);
}

/** The catalog's name and one-paragraph summary, as llms.txt and catalog.json state them. */
export const CATALOG_TITLE = 'Trap Catalog';
export const CATALOG_SUMMARY =
	'Concurrency traps (Python asyncio, Python threads, TypeScript/Node) in which every code example is a complete program ' +
	'that the test suite runs: each failure program is proven to deadlock (or to raise) and each fix is shown to complete under a ' +
	'concurrent workload, with the observed verdict, runtime and date next to it.';
