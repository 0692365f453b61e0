/** The start of the keyboard-shortcut hint inside Starlight 0.42's search button. */
const SHORTCUT_HINT = '<kbd class="sl-hidden md:sl-flex';

/**
 * Starlight's search button with its shortcut hint ("Ctrl K") hidden from assistive technology.
 * The button is named "Search" (aria-label) while its visible text reads "Search Ctrl K", which
 * WCAG 2.5.3 (label in name; axe `label-content-name-mismatch`) forbids. The shortcut stays
 * announced through the button's own `aria-keyshortcuts`. Throws when Starlight's markup changed,
 * so an upgrade cannot silently bring the violation back.
 */
export function hideSearchShortcutHint(html: string): string {
	if (!html.includes(SHORTCUT_HINT)) {
		throw new Error(
			`src/components/Search.astro: Starlight's search button no longer contains ${SHORTCUT_HINT}; ` +
				'check its markup (node_modules/@astrojs/starlight/dist/components/Search.astro) and update hideSearchShortcutHint().',
		);
	}
	return html.replace(SHORTCUT_HINT, '<kbd aria-hidden="true" class="sl-hidden md:sl-flex');
}
