import { describe, expect, it } from 'vitest';
import { checkSections, findHeadings } from '../../src/catalog/sections.ts';

const complete = `
## Problem
- **Symptom:** s
- **Root cause:** r
- **Common misconception:** m

## Failure pattern
<Snippet file="f.py" />

## Solution
<Snippet file="s.py" />

## Red flags
<RedFlags>
- x
</RedFlags>

## Checklist: before you start
<Checklist>
- y
</Checklist>
`;

describe('checkSections', () => {
	it('accepts a page with every section in order', () => {
		expect(checkSections(complete, 1)).toEqual([]);
	});

	it('reports a missing section', () => {
		const body = complete.replace('## Red flags', '## Warning signs');
		expect(checkSections(body, 1)).toContainEqual({ line: expect.any(Number), message: expect.stringMatching(/missing section "## Red flags"/) });
	});

	it('reports sections out of order', () => {
		const body = complete.replace('## Failure pattern', '## Tmp').replace('## Solution', '## Failure pattern').replace('## Tmp', '## Solution');
		expect(checkSections(body, 1).some((p) => /out of order/.test(p.message))).toBe(true);
	});

	it('reports a Problem section without its parts', () => {
		const body = complete.replace('- **Common misconception:** m', '');
		expect(checkSections(body, 1)).toEqual([{ line: 2, message: 'section "## Problem" must contain Common misconception.' }]);
	});

	it('reports red flags written as plain paragraphs', () => {
		const body = complete.replace('<RedFlags>', '').replace('</RedFlags>', '');
		expect(checkSections(body, 1)).toEqual([{ line: 13, message: 'section "## Red flags" must contain <RedFlags>.' }]);
	});
});

describe('findHeadings', () => {
	it('skips headings inside code fences', () => {
		expect(findHeadings('## A\n```\n## not a heading\n```\n### B\n', 3)).toEqual([
			{ depth: 2, text: 'A', line: 3 },
			{ depth: 3, text: 'B', line: 7 },
		]);
	});
});
