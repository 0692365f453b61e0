import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCard, type CardSection } from '../../src/catalog/card-parse.ts';
import { catalogJsonSchema, catalogJsonSchemaDocument } from '../../src/catalog/catalog-json.ts';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { observedRun } from '../../src/catalog/observed.ts';
import { currentSourceHash, freshness, readRecord } from '../../src/verify/results.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { bestMatch, sectionKey } from '../support/card-items.ts';
import { Page } from '../support/html.ts';
import { ROOT } from '../support/paths.ts';

const site = inject('siteDir');
const catalog = loadCatalog(ROOT);
const SEED = 'asyncio-lock-non-reentrant-deadlock';
const ORIGIN = 'https://trap-catalog.example.org';
const read = (path: string) => readFileSync(join(site, path), 'utf8');
/** The built file an absolute URL of this site points to. */
const fileOf = (url: string) => {
	const path = new URL(url).pathname.replace(/^\//, '');
	return join(site, path.endsWith('/') || path === '' ? `${path}index.html` : path);
};
const itemsOf = (s: CardSection) => s.blocks.flatMap((b) => (b.kind === 'item' || b.kind === 'paragraph' ? [b.text] : []));
const codeOf = (s: CardSection) => s.blocks.flatMap((b) => (b.kind === 'code' ? [b.code] : [])).join('\n');

describe('the trap card', () => {
	let text: string;
	let card: ReturnType<typeof parseCard>;
	const seed = parseCard(readFileSync(join(ROOT, 'tests/fixtures/cards/seed-000.txt'), 'utf8'), 'seed-000.txt');
	beforeAll(() => {
		text = read(`traps/${SEED}/card.md`);
		card = parseCard(text, 'card.md');
	});

	it('is linked from its page and served next to it, also as the page\'s Markdown version', () => {
		for (const trap of catalog.pages) {
			const page = Page.load(site, `traps/${trap.id}/index.html`);
			expect(page.all(`a[href="/traps/${trap.id}/card.md"]`).length, trap.id).toBe(1);
			expect(read(`traps/${trap.id}/index.html.md`)).toBe(read(`traps/${trap.id}/card.md`));
		}
	});

	it('is in the seed\'s format: frontmatter name, description, version, category, then a title', () => {
		expect(Object.keys(card.front)).toEqual(['name', 'description', 'version', 'category']);
		expect(card.front.name).toBe(seed.front.name);
		expect(card.front.category).toBe(seed.front.category);
		expect(card.title).toBe(catalog.pages.find((p) => p.id === SEED)!.data!.title);
	});

	it('holds every section and every item of the original card, in order', () => {
		const keys = card.sections.map((s) => sectionKey(s.heading));
		const positions = seed.sections.map((s) => keys.indexOf(sectionKey(s.heading)));
		expect(positions.every((p) => p >= 0), `sections ${keys.join(' | ')}`).toBe(true);
		expect([...positions].sort((a, b) => a - b)).toEqual(positions);
		for (const section of seed.sections) {
			const mine = card.sections.find((s) => sectionKey(s.heading) === sectionKey(section.heading))!;
			for (const block of section.blocks) {
				if (block.kind === 'code') continue;
				const match = bestMatch((block as { text: string }).text, itemsOf(mine));
				expect(match.coverage, `"${(block as { text: string }).text}" in ${section.heading}: best was "${match.text}"`).toBeGreaterThan(0.75);
			}
		}
	});

	it('holds the original code in complete programs: every class and method, the line that deadlocks and the line that fixes it', () => {
		for (const section of seed.sections) {
			const code = codeOf(section);
			if (!code) continue;
			const mine = codeOf(card.sections.find((s) => sectionKey(s.heading) === sectionKey(section.heading))!);
			for (const [, name] of code.matchAll(/(?:class|def) (\w+)/g)) expect(mine, `${section.heading}: ${name}`).toMatch(new RegExp(`(class|def) ${name}\\b`));
			for (const line of code.split('\n').filter((l) => /[❌✓]/.test(l))) {
				expect(mine, section.heading).toContain(line.replace(/\(path, hash\)/, '(path, digest(text))').split(' #')[0].trim());
			}
		}
	});

	it('notes under each program the verdict its last run observed, in the page\'s words', () => {
		const page = catalog.pages.find((p) => p.id === SEED)!;
		for (const decl of page.data!.snippets.filter((s) => s.role === 'program')) {
			const observed = observedRun(freshness(readRecord(ROOT, SEED, decl.file), currentSourceHash(ROOT, SEED, page.data!.snippets, decl.file)));
			expect(text).toContain(`**\`${decl.file}\`**: a program; the page claims it ends in \`${decl.expect}\``);
			expect(text).toContain(`Observed: ${observed.sentence}.`);
			if (observed.state === 'current' && decl.file === 'failure.py') {
				expect(observed.sentence).toMatch(/^deadlock, proven by a cycle in the wait-for graph .*\(CPython 3\.\d+\.\d+\), \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
			}
		}
	});

	describe('run as a reader would: its files saved in one folder', () => {
		const dir = mkdtempSync(join(tmpdir(), 'trap-card-run-'));
		afterAll(() => rmSync(dir, { recursive: true, force: true }));

		it.each([
			['failure.py', 'deadlock'],
			['solution.py', 'completed'],
		])('%s ends in %s', async (file, claim) => {
			// Each complete file follows its "**`name`**:" line.
			for (const m of text.matchAll(/^\*\*`([^`]+)`\*\*: .*\n\n(`{3,})\w*\n([\s\S]*?)\n\2$/gm)) writeFileSync(join(dir, m[1]), m[3] + '\n');
			expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(ROOT, 'snippets', SEED, file), 'utf8'));
			const run = await runSnippet(join(dir, file), { timeoutMs: 5000, detect: true });
			expect(run.outcome).toBe(claim);
		});
	});
});

describe('catalog.json', () => {
	let doc: unknown;
	beforeAll(() => {
		doc = JSON.parse(read('catalog.json'));
	});

	it('validates against its schema, and the published schema is the one generated from it', () => {
		const result = catalogJsonSchema.safeParse(doc);
		expect(result.error?.issues ?? []).toEqual([]);
		expect(JSON.parse(read('catalog.schema.json'))).toEqual(catalogJsonSchemaDocument(`${ORIGIN}/catalog.schema.json`));
		expect((doc as { $schema: string }).$schema).toBe(`${ORIGIN}/catalog.schema.json`);
	});

	it('lists every trap and every snippet, each with a download of the exact file', () => {
		const parsed = catalogJsonSchema.parse(doc);
		expect(parsed.traps.map((t) => t.name)).toEqual(catalog.pages.map((p) => p.id).sort());
		for (const trap of parsed.traps) {
			const page = catalog.pages.find((p) => p.id === trap.name)!;
			expect(trap.snippets.map((s) => s.path)).toEqual(page.data!.snippets.map((s) => `snippets/${trap.name}/${s.file}`));
			for (const s of trap.snippets) expect(readFileSync(fileOf(s.url), 'utf8')).toBe(readFileSync(join(ROOT, s.path), 'utf8'));
			for (const url of [trap.url, trap.cardUrl, trap.markdownUrl]) expect(existsSync(fileOf(url)), url).toBe(true);
		}
	});
});

describe('llms.txt', () => {
	it('follows llmstxt.org: an H1, a > summary, H2 sections of [name](url): notes links, Optional last', () => {
		const text = read('llms.txt');
		const lines = text.split('\n');
		expect(lines[0]).toBe('# Trap Catalog');
		expect(lines[2]).toMatch(/^> \S/);
		const h2 = lines.filter((l) => l.startsWith('## '));
		expect(h2[0]).toBe('## Traps');
		expect(h2.at(-1)).toBe('## Optional');
		const links = lines.filter((l) => l.startsWith('- '));
		expect(links.length).toBeGreaterThanOrEqual(catalog.pages.length + 3);
		for (const l of links) {
			const m = /^- \[([^\]]+)\]\((\S+)\)(?:: .+)?$/.exec(l);
			expect(m, l).not.toBeNull();
			expect(existsSync(fileOf(m![2])), m![2]).toBe(true);
		}
		for (const trap of catalog.pages) expect(text).toContain(`(${ORIGIN}/traps/${trap.id}/card.md): ${trap.data!.description}`);
	});

	it('llms-full.txt holds every card in full, and each page has a Markdown version', () => {
		const full = read('llms-full.txt');
		for (const trap of catalog.pages) {
			const body = read(`traps/${trap.id}/card.md`).replace(/^---\n[\s\S]*?\n---\n\n/, '');
			expect(full).toContain(body.split('\n## ')[1].split('\n')[0]);
			expect(full).toContain(`## ${trap.data!.title}\n`);
		}
		expect(read('index.html.md')).toBe(read('llms.txt'));
		expect(read('guides/add-a-trap/index.html.md')).toMatch(/^# Add a trap\n\n> /);
	});
});

describe('the exports', () => {
	it('name no directory of the machine they were built on', () => {
		const exported = ['catalog.json', 'catalog.schema.json', 'llms.txt', 'llms-full.txt', 'index.html.md', ...catalog.pages.map((p) => `traps/${p.id}/card.md`)];
		for (const file of exported) expect(read(file), file).not.toContain(ROOT.replace(/\/$/, ''));
	});
});

describe('the "Add a trap" guide', () => {
	it('is a page of the site, in the sidebar, with the catalog around it', () => {
		const page = Page.load(site, 'guides/add-a-trap/index.html');
		expect(page.text(page.one('h1'))).toBe('Add a trap');
		const text = page.text(page.one('main'));
		for (const words of ['npm run new', 'npm run check', 'Read the witness', 'expect: deadlock']) expect(text).toContain(words);
		const home = Page.load(site, 'index.html');
		expect(home.all('#starlight__sidebar a[href="/guides/add-a-trap/"]').length).toBe(1);
		expect(page.all('#starlight__sidebar a[href="/by/symptom/hangs/"]').length).toBe(1);
	});
});
