import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCard, type CardSection } from '../../src/catalog/card-parse.ts';
import { importCard, stemOf } from '../../src/catalog/import-card.ts';
import { splitFrontmatter } from '../../src/catalog/frontmatter.ts';
import { bestMatch, sectionKey } from '../support/card-items.ts';
import { ROOT } from '../support/paths.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const seedText = readFileSync(join(ROOT, 'tests/fixtures/cards/seed-000.txt'), 'utf8');

/** The `##` sections of a page body, read the way cards are read. */
function pageSections(mdx: string): CardSection[] {
	const { body } = splitFrontmatter(mdx, 'page.mdx');
	return parseCard(`---\nname: x\ndescription: x\nversion: 1.0.0\ncategory: trap\n---\n# T\n${body}`, 'page.mdx').sections;
}
const itemsOf = (s: CardSection) => s.blocks.flatMap((b) => (b.kind === 'item' ? [b.text] : []));
const parasOf = (s: CardSection) => s.blocks.flatMap((b) => (b.kind === 'paragraph' && !/^[<{]/.test(b.text) ? [b.text] : []));

describe('importing the seed card (damaged formatting and all)', () => {
	const imported = importCard(parseCard(seedText, 'seed-000.txt'), 'tests/fixtures/cards/seed-000.txt');
	const page = imported.files.get(`content/traps/${SEED}.mdx`)!;
	const mine = pageSections(page);
	const handMade = pageSections(readFileSync(join(ROOT, 'content/traps', `${SEED}.mdx`), 'utf8'));
	const seedSections = parseCard(seedText, 'seed.txt').sections.map((s) => sectionKey(s.heading));

	it('writes a page and one snippet file per code block, named from its section', () => {
		expect([...imported.files.keys()].sort()).toEqual([
			`content/traps/${SEED}.mdx`,
			`snippets/${SEED}/failure_pattern.py`,
			`snippets/${SEED}/solution.py`,
		]);
		expect(page).toContain('<Snippet file="failure_pattern.py" region="card" bad="await self.set_hash(path, hash) # ❌ DEADLOCK — lock already held" />');
		expect(page).toContain('good="await self._set_hash_locked(path, hash) # ✓ No deadlock"');
	});

	it('has the hand-made page\'s sections of the seed, in the same order', () => {
		const handMadeOfSeed = handMade.map((s) => sectionKey(s.heading)).filter((k) => seedSections.includes(k));
		expect(handMadeOfSeed).toEqual(seedSections);
		expect(mine.map((s) => sectionKey(s.heading))).toEqual(seedSections);
	});

	it('has every item and paragraph of the hand-made page\'s seed sections, normalising the damage the same way', () => {
		for (const key of seedSections) {
			const a = mine.find((s) => sectionKey(s.heading) === key)!;
			const b = handMade.find((s) => sectionKey(s.heading) === key)!;
			expect(itemsOf(a).length, key).toBe(itemsOf(b).length);
			// Item by item, in order: what the import made of the seed is found in the hand-made item (which may say more).
			itemsOf(a).forEach((item, i) => {
				const match = bestMatch(item, itemsOf(b));
				expect(match.coverage, `"${item}" in ${key}: best was "${match.text}"`).toBeGreaterThan(0.75);
				expect(itemsOf(b).indexOf(match.text), `order of "${item}" in ${key}`).toBe(i);
			});
			// Every paragraph the seed gave is on the imported page (the hand-made page adds prose of its own).
			for (const para of parasOf(a)) {
				expect(bestMatch(para, parasOf(b)).coverage, `"${para}" in ${key}`).toBeGreaterThan(0.75);
			}
		}
	});

	it('says, on the page and in each program, what it could not know, and the programs fail until written', () => {
		expect(page).toMatch(/expect: deadlock {2}# TODO\(import\): guessed from the section "Failure Pattern"; what must a run end in\?/);
		for (const file of ['failure_pattern.py', 'solution.py']) {
			const text = imported.files.get(`snippets/${SEED}/${file}`)!;
			expect(text).toMatch(/TODO\(import\): .*cannot know the rest of the program, nor the workload/);
			expect(text).toMatch(/def main\(\):\n {4}raise NotImplementedError\(/);
		}
		expect(imported.todos.join('\n')).toContain('confirm "expect: deadlock"');
	});
});

describe('importing a well-formed card', () => {
	const card = [
		'---',
		'name: queue-never-drained',
		'description: A bounded queue whose consumer died blocks every producer forever.',
		'version: 1.0.0',
		'category: trap',
		'---',
		'',
		'# Queue never drained',
		'',
		'## Problem',
		'',
		'- **Symptom:** producers hang.',
		'- **Root cause:** the consumer raised.',
		'- **Common misconception:** put() returns.',
		'',
		'## War stories',
		'',
		'A section no page template has.',
		'',
		'```python',
		'async def story():',
		'    pass',
		'```',
		'',
		'## Checklist',
		'',
		'- [ ] Supervise the consumer',
		'',
	].join('\n');
	const imported = importCard(parseCard(card, 'card.md'), 'card.md');
	const page = imported.files.get('content/traps/queue-never-drained.mdx')!;

	it('keeps an unknown section, with its code as a snippet file named from it', () => {
		expect(page).toMatch(/## War stories\n\nA section no page template has\.\n\n<Snippet file="war_stories\.py" region="card" \/>/);
		expect(imported.files.get('snippets/queue-never-drained/war_stories.py')).toContain('async def story():\n    pass');
		expect(stemOf('Checklist: Before Adding asyncio.Lock')).toBe('checklist');
	});

	it('wraps the checklist for the page and keeps the Problem labels', () => {
		expect(page).toContain('## Checklist\n\n<Checklist>\n\n- Supervise the consumer\n\n</Checklist>');
		expect(page).toContain('- **Symptom:** producers hang.');
	});
});
