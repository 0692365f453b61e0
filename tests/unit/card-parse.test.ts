import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CardError, parseCard } from '../../src/catalog/card-parse.ts';
import { ROOT } from '../support/paths.ts';

const card = (body: string, front = 'name: t\ndescription: d\nversion: 1.0.0\ncategory: trap') => `---\n${front}\n---\n${body}`;
const errorOf = (text: string) => {
	try {
		parseCard(text, 'card.md');
	} catch (e) {
		expect(e).toBeInstanceOf(CardError);
		return (e as Error).message;
	}
	throw new Error('expected a CardError');
};

describe('parseCard', () => {
	it('reads frontmatter, title, sections, items, paragraphs and code with their lines', () => {
		const c = parseCard(card('\n# Title\n\n## Problem\n\nIntro text\nwraps.\n\n- one\n  more\n- two\n\n## Solution\n\n```python\nx = 1\n\n\ny = 2\n```\n'), 'card.md');
		expect(c.front).toMatchObject({ name: 't', description: 'd', version: '1.0.0', category: 'trap' });
		expect(c.title).toBe('Title');
		expect(c.sections.map((s) => [s.heading, s.line])).toEqual([['Problem', 10], ['Solution', 19]]);
		expect(c.sections[0].blocks).toEqual([
			{ kind: 'paragraph', text: 'Intro text wraps.', line: 12 },
			{ kind: 'item', text: 'one more', line: 15 },
			{ kind: 'item', text: 'two', line: 17 },
		]);
		expect(c.sections[1].blocks).toEqual([{ kind: 'code', lang: 'python', code: 'x = 1\n\n\ny = 2', line: 21 }]);
	});

	it.each([
		['no frontmatter', '# Title\n## Problem\n', /^card\.md:1: a card starts with a "---" line/],
		['unterminated frontmatter', '---\nname: t\n# Title\n', /^card\.md:1: unterminated frontmatter/],
		['a missing field', card('# T\n## P\n', 'name: t\ndescription: d\nversion: 1.0.0'), /^card\.md:1: frontmatter: "category" is missing/],
		['invalid YAML', card('# T\n## P\n', 'name: [t\ndescription: d'), /^card\.md:\d+: invalid YAML in the frontmatter/],
		['no title', card('\n## Problem\n- a\n'), /^card\.md:7: the card has no title/],
		['an unterminated code block', card('\n# T\n\n## Failure\n\n```python\nx = 1\n'), /^card\.md:12: code block opened here with ``` is never closed/],
		['no sections', card('\n# T\n\nJust text.\n'), /^card\.md:7: the card has no sections/],
	])('names the line of %s', (_, text, message) => {
		expect(errorOf(text)).toMatch(message);
	});

	it('repairs the seed card\'s transit damage: frontmatter, headings, items run together, code', () => {
		const seed = parseCard(readFileSync(join(ROOT, 'tests/fixtures/cards/seed-000.txt'), 'utf8'), 'seed.txt');
		expect(seed.repaired).toBe(true);
		expect(seed.front).toMatchObject({ name: 'asyncio-lock-non-reentrant-deadlock', version: '1.0.0', category: 'trap' });
		expect(seed.title).toBe('asyncio.Lock Non-Reentrant Deadlock');
		expect(seed.sections.map((s) => s.heading)).toEqual([
			'Problem',
			'Failure Pattern',
			'Solution',
			'Naming Convention',
			'Key Insights',
			'Red Flags',
			'Checklist: Before Adding asyncio.Lock',
		]);
		const items = (h: string) => seed.sections.find((s) => s.heading === h)!.blocks.filter((b) => b.kind === 'item').map((b) => (b as { text: string }).text);
		expect(items('Red Flags')).toHaveLength(5);
		expect(items('Checklist: Before Adding asyncio.Lock')).toHaveLength(5);
		expect(items('Key Insights')).toHaveLength(3);
		expect(items('Problem')).toHaveLength(3);
		expect(items('Red Flags')[2]).toMatch(/^rebuild,sync,migratemethods/);
		const code = seed.sections.find((s) => s.heading === 'Failure Pattern')!.blocks[0];
		expect(code).toMatchObject({ kind: 'code', lang: 'python' });
		expect((code as { code: string }).code.split('\n')).toHaveLength(13);
	});
});

describe('parseCard on a damaged card', () => {
	it('names lines as they are in the damaged file', () => {
		const damaged = 'name: Bad_Name description: d version: 1.0.0 category: trap\nTitle\nProblem\n- a\n';
		expect(errorOf(damaged)).toMatch(/^card\.md:1: frontmatter: name "Bad_Name" must be kebab-case/);
	});

	it('refuses a name that cannot be a page file name, naming its line', () => {
		expect(errorOf(card('\n# T\n\n## P\n', 'description: d\nname: ../../etc\nversion: 1.0.0\ncategory: trap'))).toMatch(
			/^card\.md:3: frontmatter: name "\.\.\/\.\.\/etc" must be kebab-case/,
		);
	});
});
