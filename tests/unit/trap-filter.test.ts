import { describe, expect, it } from 'vitest';
import { countLabel, emptyFilter, filterSearch, matchesFilter, parseFilterState, type FacetValues } from '../../src/components/utils/trap-filter.ts';

const trap: FacetValues = { language: ['python', 'typescript'], category: ['trap'], severity: ['high'], symptom: ['hangs'], tag: ['asyncio', 'lock'] };

describe('the home page filter', () => {
	it('reads the URL a reader shares and writes the same URL back', () => {
		const state = parseFilterState('?severity=high&severity=critical&symptom=runs-twice');
		expect(state).toEqual({ ...emptyFilter(), severity: ['high', 'critical'], symptom: ['runs-twice'] });
		expect(filterSearch(state)).toBe('?severity=high&severity=critical&symptom=runs-twice');
		expect(parseFilterState(filterSearch(state))).toEqual(state);
	});

	it('writes no query when nothing is picked', () => {
		expect(filterSearch(emptyFilter())).toBe('');
	});

	it('drops values the catalog does not offer and repeated values from a link', () => {
		const known = { language: new Set(['python']), category: new Set<string>(), severity: new Set(['high']), symptom: new Set<string>(), tag: new Set<string>() };
		expect(parseFilterState('?language=cobol&language=python&language=python&severity=high&colour=red', known)).toEqual({
			...emptyFilter(),
			language: ['python'],
			severity: ['high'],
		});
	});

	it('matches any picked value within a facet and every facet across them', () => {
		expect(matchesFilter(trap, emptyFilter())).toBe(true);
		expect(matchesFilter(trap, { ...emptyFilter(), language: ['typescript'] })).toBe(true);
		expect(matchesFilter(trap, { ...emptyFilter(), severity: ['low', 'high'] })).toBe(true);
		expect(matchesFilter(trap, { ...emptyFilter(), severity: ['low', 'critical'] })).toBe(false);
		expect(matchesFilter(trap, { ...emptyFilter(), language: ['python'], symptom: ['runs-twice'] })).toBe(false);
		expect(matchesFilter(trap, { ...emptyFilter(), language: ['python'], symptom: ['hangs'], tag: ['lock'] })).toBe(true);
	});

	it('says how many traps are shown', () => {
		expect(countLabel(4, 10)).toBe('4 of 10 traps');
		expect(countLabel(0, 10)).toBe('0 of 10 traps');
		expect(countLabel(1, 1)).toBe('1 of 1 trap');
	});
});
