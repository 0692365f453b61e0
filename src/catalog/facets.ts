import type { TrapFrontmatter } from './schema.ts';
import { CATEGORIES, LANGUAGES, SEVERITIES, SYMPTOMS } from './schema.ts';
import { LANGUAGE_LABEL } from '../verify/languages.ts';
import { FACETS, type Facet, type FacetValues } from '../components/utils/trap-filter.ts';

/** How symptoms are named to readers. */
export const SYMPTOM_LABEL: Record<(typeof SYMPTOMS)[number], string> = {
	hangs: 'Hangs',
	'runs-twice': 'Runs twice',
	'slow-under-load': 'Slow under load',
	'wrong-result': 'Wrong result',
	crashes: 'Crashes',
};

/** How severities are named to readers. */
export const SEVERITY_LABEL: Record<(typeof SEVERITIES)[number], string> = {
	low: 'Low',
	medium: 'Medium',
	high: 'High',
	critical: 'Critical',
};

/** How categories are named to readers. */
export const CATEGORY_LABEL: Record<(typeof CATEGORIES)[number], string> = { trap: 'Trap', pattern: 'Pattern' };

/** The legend of each facet's group of checkboxes. */
export const FACET_LEGEND: Record<Facet, string> = {
	language: 'Language',
	category: 'Category',
	severity: 'Severity',
	symptom: 'What you see',
	tag: 'Tags',
};

/** A trap's values per facet, as the home page's filters compare them. */
export function trapFacetValues(trap: TrapFrontmatter): FacetValues {
	return {
		language: trap.languages,
		category: [trap.category],
		severity: [trap.severity],
		symptom: trap.symptoms,
		tag: trap.tags,
	};
}

export interface FacetOption {
	value: string;
	label: string;
	/** How many traps of the catalog have this value. */
	count: number;
}

export interface FacetGroup {
	facet: Facet;
	legend: string;
	options: FacetOption[];
}

/** The order values are offered in: the schema's order for fixed vocabularies, alphabetical for tags. */
const ORDER: Record<Facet, readonly string[] | null> = {
	language: LANGUAGES,
	category: CATEGORIES,
	severity: [...SEVERITIES].reverse(),
	symptom: SYMPTOMS,
	tag: null,
};

/** The label a reader sees for a value of a facet ("runs-twice" → "Runs twice"). */
export function facetValueLabel(facet: Facet, value: string): string {
	const labels: Partial<Record<Facet, Record<string, string>>> = {
		language: LANGUAGE_LABEL,
		category: CATEGORY_LABEL,
		severity: SEVERITY_LABEL,
		symptom: SYMPTOM_LABEL,
	};
	return labels[facet]?.[value] ?? value;
}

/**
 * The filter form's groups: for each facet, every value at least one trap has, labelled and
 * counted, in a stable order. A value no trap has is not offered (it could only show nothing).
 */
export function facetGroups(traps: ReadonlyArray<{ data: TrapFrontmatter }>): FacetGroup[] {
	return FACETS.map((facet) => {
		const counts = new Map<string, number>();
		for (const { data } of traps) for (const v of new Set(trapFacetValues(data)[facet])) counts.set(v, (counts.get(v) ?? 0) + 1);
		const order = ORDER[facet];
		const values = order ? order.filter((v) => counts.has(v)) : [...counts.keys()].sort((a, b) => a.localeCompare(b));
		return {
			facet,
			legend: FACET_LEGEND[facet],
			options: values.map((value) => ({ value, label: facetValueLabel(facet, value), count: counts.get(value)! })),
		};
	});
}

/** The facets that get a page of their own (`/by/<facet>/<value>/`), linked from the sidebar. */
export const BROWSE_FACETS = ['symptom', 'language'] as const;

/** One page listing the traps with one value of a facet. */
export interface FacetPage {
	facet: (typeof BROWSE_FACETS)[number];
	value: string;
	/** "Traps that hang", "Python traps". */
	title: string;
	/** The sidebar's label, with the count: "Hangs (8)". */
	label: string;
	/** `/by/symptom/hangs/`, below the base path. */
	path: string;
	/** The home page filtered the same way, to narrow further. */
	filterPath: string;
	/** Ids of the traps it lists. */
	traps: string[];
}

const SYMPTOM_TITLE: Record<(typeof SYMPTOMS)[number], string> = {
	hangs: 'Traps that hang',
	'runs-twice': 'Traps that run something twice',
	'slow-under-load': 'Traps that are slow under load',
	'wrong-result': 'Traps that give a wrong result',
	crashes: 'Traps that crash',
};

/** Every facet page of the catalog: one per symptom and per language that at least one trap has, in the facets' order. */
export function facetPages(traps: ReadonlyArray<{ id: string; data: TrapFrontmatter }>): FacetPage[] {
	const groups = facetGroups(traps);
	return BROWSE_FACETS.flatMap((facet) =>
		groups
			.find((g) => g.facet === facet)!
			.options.map(({ value, label, count }) => ({
				facet,
				value,
				title: facet === 'symptom' ? SYMPTOM_TITLE[value as (typeof SYMPTOMS)[number]] : `${label} traps`,
				label: `${label} (${count})`,
				path: `/by/${facet}/${value}/`,
				filterPath: `/?${facet}=${encodeURIComponent(value)}`,
				traps: traps.filter((t) => trapFacetValues(t.data)[facet].includes(value)).map((t) => t.id),
			})),
	);
}
