/**
 * Where the site publishes each thing, below its base path. One place, so that pages, cards,
 * catalog.json and llms.txt agree, and hosting under a sub-path (BASE_PATH) moves all of them.
 */
export interface SiteUrls {
	/** The base path, always ending in "/": "/" or "/kb/traps/". */
	base: string;
	/** Path (below the host) of `relative`, e.g. `traps/x/` → `/kb/traps/traps/x/`. */
	path(relative: string): string;
	/** Absolute URL of `relative` on the configured site. */
	absolute(relative: string): string;
}

/** Builds the URL helpers from Astro's `site` (absolute URL or undefined) and `BASE_URL`. */
export function siteUrls(site: string | URL | undefined, baseUrl: string): SiteUrls {
	const base = `/${baseUrl.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
	const origin = site ? new URL(String(site)).origin : 'http://localhost';
	const path = (relative: string) => base + relative.replace(/^\/+/, '');
	return { base, path, absolute: (relative) => origin + path(relative) };
}

/** Relative locations of what the site publishes for a trap. */
export const trapRoutes = {
	page: (name: string) => `traps/${name}/`,
	card: (name: string) => `traps/${name}/card.md`,
	markdown: (name: string) => `traps/${name}/index.html.md`,
	snippet: (name: string, file: string) => `snippets/${name}/${file}`,
} as const;

/** Relative locations of the catalog-wide exports. */
export const catalogRoutes = {
	home: '',
	homeMarkdown: 'index.html.md',
	catalogJson: 'catalog.json',
	catalogSchema: 'catalog.schema.json',
	llms: 'llms.txt',
	llmsFull: 'llms-full.txt',
	guide: 'guides/add-a-trap/',
	guideMarkdown: 'guides/add-a-trap/index.html.md',
	verification: 'verification/',
} as const;
