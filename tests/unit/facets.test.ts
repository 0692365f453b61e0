import { describe, expect, it } from 'vitest';
import { facetGroups, facetPages, facetValueLabel, trapFacetValues } from '../../src/catalog/facets.ts';
import { catalogSidebar } from '../../src/catalog/sidebar.ts';
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

describe('facet pages and the sidebar', () => {
	const traps = [
		{ id: 'a', ...trap({ symptoms: ['hangs'], languages: ['python'] }) },
		{ id: 'b', ...trap({ symptoms: ['hangs', 'runs-twice'], languages: ['python', 'typescript'] }) },
		{ id: 'c', ...trap({ symptoms: ['slow-under-load'], languages: ['typescript'] }) },
	];

	it('gives every symptom and language a trap has one page listing exactly its traps, in the facets order', () => {
		expect(facetPages(traps).map((p) => [p.path, p.label, p.traps])).toEqual([
			['/by/symptom/hangs/', 'Hangs (2)', ['a', 'b']],
			['/by/symptom/runs-twice/', 'Runs twice (1)', ['b']],
			['/by/symptom/slow-under-load/', 'Slow under load (1)', ['c']],
			['/by/language/python/', 'Python (2)', ['a', 'b']],
			['/by/language/typescript/', 'TypeScript (2)', ['b', 'c']],
		]);
		expect(facetPages(traps)[0]).toMatchObject({ title: 'Traps that hang', filterPath: '/?symptom=hangs' });
	});

	it('keeps the sidebar the same size however many traps there are', () => {
		const many = Array.from({ length: 500 }, (_, i) => ({ ...traps[i % 3], id: `t${i}` }));
		const size = (s: ReturnType<typeof catalogSidebar>) => JSON.stringify(s).replace(/\d+/g, '').length;
		expect(size(catalogSidebar(many))).toBe(size(catalogSidebar(traps)));
		expect(catalogSidebar(traps)[0]).toEqual({ label: 'All traps (3)', link: '/' });
	});
});
