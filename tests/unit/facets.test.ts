import { describe, expect, it } from 'vitest';
import { facetGroups, facetValueLabel, trapFacetValues } from '../../src/catalog/facets.ts';
import type { TrapFrontmatter } from '../../src/catalog/schema.ts';

const trap = (over: Partial<TrapFrontmatter>): { data: TrapFrontmatter } => ({
	data: {
		name: 't',
		title: 'T',
		description: 'A description long enough.',
		version: '1.0.0',
		category: 'trap',
		languages: ['python'],
		tags: [],
		severity: 'high',
		symptoms: ['hangs'],
		related: [],
		references: [],
		snippets: [],
		...over,
	},
});

describe('facets', () => {
	it('names symptoms, severities and languages as readers say them', () => {
		expect(facetValueLabel('symptom', 'hangs')).toBe('Hangs');
		expect(facetValueLabel('symptom', 'runs-twice')).toBe('Runs twice');
		expect(facetValueLabel('symptom', 'slow-under-load')).toBe('Slow under load');
		expect(facetValueLabel('severity', 'critical')).toBe('Critical');
		expect(facetValueLabel('language', 'typescript')).toBe('TypeScript');
		expect(facetValueLabel('tag', 'async-mutex')).toBe('async-mutex');
	});

	it('gives each trap its values per facet', () => {
		expect(trapFacetValues(trap({ languages: ['python', 'typescript'], tags: ['lock'], symptoms: ['hangs', 'crashes'] }).data)).toEqual({
			language: ['python', 'typescript'],
			category: ['trap'],
			severity: ['high'],
			symptom: ['hangs', 'crashes'],
			tag: ['lock'],
		});
	});

	it('offers only values some trap has, counted, severities worst first and tags alphabetically', () => {
		const groups = facetGroups([
			trap({ severity: 'low', tags: ['threads', 'asyncio'], symptoms: ['runs-twice'] }),
			trap({ severity: 'critical', tags: ['asyncio'], languages: ['typescript'], category: 'pattern' }),
			trap({ severity: 'high', symptoms: ['hangs', 'slow-under-load'] }),
		]);
		const of = (facet: string) => groups.find((g) => g.facet === facet)!.options.map((o) => `${o.label} ${o.count}`);
		expect(groups.map((g) => g.legend)).toEqual(['Language', 'Category', 'Severity', 'What you see', 'Tags']);
		expect(of('severity')).toEqual(['Critical 1', 'High 1', 'Low 1']);
		expect(of('symptom')).toEqual(['Hangs 2', 'Runs twice 1', 'Slow under load 1']);
		expect(of('tag')).toEqual(['asyncio 2', 'threads 1']);
		expect(of('language')).toEqual(['Python 2', 'TypeScript 1']);
		expect(of('category')).toEqual(['Trap 2', 'Pattern 1']);
	});
});
