/**
 * The catalog home's filter state: which values of which facet a reader picked, read from and
 * written to the page URL (`?language=python&symptom=hangs`), and whether a trap matches.
 * Imports nothing, so the browser script that uses it stays tiny.
 */

/** The facets a reader filters by, in the order the form shows them; also the URL parameter names. */
export const FACETS = ['language', 'category', 'severity', 'symptom', 'tag'] as const;
export type Facet = (typeof FACETS)[number];

/** The picked values per facet; an empty list means "any". */
export type FilterState = Record<Facet, string[]>;

/** A trap's own values per facet. */
export type FacetValues = Record<Facet, readonly string[]>;

/** No facet picked: every trap matches. */
export function emptyFilter(): FilterState {
	return { language: [], category: [], severity: [], symptom: [], tag: [] };
}

/**
 * The filter a URL query string asks for (`?severity=high&severity=critical`). Values a facet
 * does not offer (`known`) are dropped, so a stale or mistyped link shows the catalog, not nothing.
 */
export function parseFilterState(search: string, known?: Readonly<Record<Facet, ReadonlySet<string>>>): FilterState {
	const params = new URLSearchParams(search);
	const state = emptyFilter();
	for (const facet of FACETS) {
		const values = params.getAll(facet).filter((v) => !known || known[facet].has(v));
		state[facet] = [...new Set(values)];
	}
	return state;
}

/** The query string of a filter (`?language=python&symptom=hangs`), or '' when nothing is picked. */
export function filterSearch(state: FilterState): string {
	const params = new URLSearchParams();
	for (const facet of FACETS) for (const value of state[facet]) params.append(facet, value);
	const query = params.toString();
	return query ? `?${query}` : '';
}

/** Within a facet any picked value will do; across facets every facet must match. */
export function matchesFilter(values: FacetValues, state: FilterState): boolean {
	return FACETS.every((facet) => state[facet].length === 0 || state[facet].some((v) => values[facet].includes(v)));
}

/** How many traps are shown, as the live region says it: "4 of 10 traps". */
export function countLabel(shown: number, total: number): string {
	return `${shown} of ${total} ${total === 1 ? 'trap' : 'traps'}`;
}
