/** The parts of Starlight 0.42's search button this adjustment touches, as it renders them. */
const BUTTON = /<button data-open-modal([^>]*?) aria-label="[^"]*"/;
const LABEL = '<span class="sl-hidden md:sl-block';
const SHORTCUT = '<kbd class="sl-hidden md:sl-flex';
/** Its parts are laid out by CSS with no text between them: "SearchCtrlK" to a text reader. */
const ADJACENT = /(<\/span>|<\/kbd>)(<kbd)/g;

/**
 * Starlight's search button named by what it shows. Starlight names it "Search" (aria-label) while
 * its visible text reads "Search Ctrl K" (⌘ K on Apple devices), which WCAG 2.5.3 (label in name;
 * axe `label-content-name-mismatch`) forbids. Naming the button by its own visible parts
 * (aria-labelledby), with spaces between the words, keeps name and text equal in every language and
 * on every platform, also where a narrow screen hides the words. Throws when Starlight's markup changed, so an upgrade cannot
 * silently bring the violation back.
 */
export function nameSearchButtonByItsText(html: string): string {
	for (const [part, found] of [
		['the search button', BUTTON.test(html)],
		['its label', html.includes(LABEL)],
		['its shortcut hint', html.includes(SHORTCUT)],
	] as const) {
		if (!found) {
			throw new Error(
				`src/components/Search.astro: Starlight's search markup changed (${part} not found); check ` +
					'node_modules/@astrojs/starlight/dist/components/Search.astro and update nameSearchButtonByItsText().',
			);
		}
	}
	return html
		.replace(BUTTON, '<button data-open-modal$1 aria-labelledby="sl-search-label sl-search-shortcut"')
		.replace(LABEL, `<span id="sl-search-label" class="sl-hidden md:sl-block`)
		.replace(SHORTCUT, `<kbd id="sl-search-shortcut" class="sl-hidden md:sl-flex`)
		.replace(ADJACENT, '$1 $2');
}
