import { LANGUAGE_LABEL } from '../verify/languages.ts';
import { facetPages } from './facets.ts';
import type { TrapFrontmatter } from './schema.ts';

/** A sidebar entry in Starlight's user-config form (`{ label, link }` or `{ label, items }`). */
export type SidebarItem = { label: string; link: string } | { label: string; items: SidebarItem[] };

/** The URL path of a trap page, below the site's base path. */
export function trapPath(name: string): string {
	return `/traps/${name}/`;
}

/**
 * The catalog sidebar: the catalog home, then the traps grouped by what a reader sees and by
 * language — each group a page listing its traps, labelled with its count — then how pages are
 * verified and how to add a trap. Its size does not grow with the catalog: every page of a
 * thousand-trap catalog carries the same few links, and the lists live on their own pages.
 */
export function catalogSidebar(traps: ReadonlyArray<{ id: string; data: TrapFrontmatter }>): SidebarItem[] {
	const pages = facetPages(traps);
	const group = (facet: string) => pages.filter((p) => p.facet === facet).map((p) => ({ label: p.label, link: p.path }));
	return [
		{ label: `All traps (${traps.length})`, link: '/' },
		{ label: 'By what you see', items: group('symptom') },
		{ label: 'By language', items: group('language') },
		{ label: 'How pages are verified', link: '/verification/' },
		{ label: 'Add a trap', link: '/guides/add-a-trap/' },
	];
}

/** How languages are named to readers (from the language descriptors). */
export { LANGUAGE_LABEL };
