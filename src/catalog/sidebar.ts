import { LANGUAGE_LABEL } from '../verify/languages.ts';
import type { TrapFrontmatter } from './schema.ts';

/** A sidebar entry in Starlight's user-config form (`{ label, link }` or `{ label, items }`). */
export type SidebarItem = { label: string; link: string } | { label: string; items: SidebarItem[] };

/** The URL path of a trap page, below the site's base path. */
export function trapPath(name: string): string {
	return `/traps/${name}/`;
}

/**
 * The catalog sidebar: a link to the catalog home, then every trap by title, grouped by its
 * first language, groups and traps sorted alphabetically.
 */
export function catalogSidebar(traps: ReadonlyArray<{ id: string; data: TrapFrontmatter }>): SidebarItem[] {
	const groups = new Map<string, SidebarItem[]>();
	for (const trap of [...traps].sort((a, b) => a.data.title.localeCompare(b.data.title))) {
		const label = LANGUAGE_LABEL[trap.data.languages[0]] ?? trap.data.languages[0];
		groups.set(label, [...(groups.get(label) ?? []), { label: trap.data.title, link: trapPath(trap.id) }]);
	}
	return [
		{ label: 'All traps', link: '/' },
		{ label: 'How pages are verified', link: '/verification/' },
		{ label: 'Add a trap', link: '/guides/add-a-trap/' },
		...[...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, items]) => ({ label, items })),
	];
}

/** How languages are named to readers (from the language descriptors). */
export { LANGUAGE_LABEL };
