import { catalogJsonOf, CATALOG_SUMMARY, CATALOG_TITLE, cardOf, loadExportSources, type ExportSource } from './exports.ts';
import { llmsFullTxt, llmsTxt } from './llms-txt.ts';
import { catalogRoutes, siteUrls, type SiteUrls } from './urls.ts';

/** The site's URL helpers for this build (SITE_URL / BASE_PATH, see astro.config.mjs). */
export function buildUrls(): SiteUrls {
	return siteUrls(import.meta.env.SITE, import.meta.env.BASE_URL);
}

/** The export sources of this build's catalog. */
export function buildSources(): ExportSource[] {
	return loadExportSources(import.meta.env.CATALOG_ROOT, buildUrls());
}

/** A text response of a given media type. */
export function textResponse(body: string, type: string): Response {
	return new Response(body, { headers: { 'Content-Type': `${type}; charset=utf-8` } });
}

/** The card of one trap (also its page's Markdown version). */
export function buildCard(name: string): string {
	return cardOf(buildSources(), name);
}

/** catalog.json of this build. */
export function buildCatalogJson() {
	return catalogJsonOf(buildSources(), buildUrls(), CATALOG_TITLE);
}

/** llms.txt of this build: every trap card, then the machine-readable catalog, the guides, and llms-full.txt as optional. */
export function buildLlmsTxt(): string {
	const urls = buildUrls();
	const sources = buildSources();
	return llmsTxt({
		title: CATALOG_TITLE,
		summary: CATALOG_SUMMARY,
		details:
			'Each trap has a card in Markdown (frontmatter `name`, `description`, `version`, `category`; sections Problem, Failure pattern, ' +
			'Solution, Red flags, Checklist) holding its complete programs and their last observed verdicts. `catalog.json` lists every ' +
			'trap and program with its declared expectation and last verdict, described by `catalog.schema.json`.',
		sections: [
			{
				heading: 'Traps',
				links: [...sources]
					.sort((a, b) => a.trap.data.title.localeCompare(b.trap.data.title))
					.map((s) => ({ name: s.trap.data.title, url: s.trap.cardUrl, notes: s.trap.data.description })),
			},
			{
				heading: 'Catalog',
				links: [
					{ name: 'catalog.json', url: urls.absolute(catalogRoutes.catalogJson), notes: 'every trap, its programs, expectations and last verdicts' },
					{ name: 'catalog.schema.json', url: urls.absolute(catalogRoutes.catalogSchema), notes: 'JSON Schema of catalog.json' },
				],
			},
			{
				heading: 'Guides',
				links: [{ name: 'Add a trap', url: urls.absolute(catalogRoutes.guideMarkdown), notes: 'from an idea to a verified page' }],
			},
			{
				heading: 'Optional',
				links: [{ name: 'llms-full.txt', url: urls.absolute(catalogRoutes.llmsFull), notes: 'every trap card in one file' }],
			},
		],
	});
}

/** llms-full.txt of this build: every trap card in full, sorted by title. */
export function buildLlmsFullTxt(): string {
	const sources = [...buildSources()].sort((a, b) => a.trap.data.title.localeCompare(b.trap.data.title));
	return llmsFullTxt({ title: CATALOG_TITLE, summary: CATALOG_SUMMARY }, sources.map((s) => cardOf(sources, s.trap.data.name)));
}
