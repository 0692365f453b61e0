import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { extractRegion } from '../../src/catalog/regions.ts';
import { findHeadings } from '../../src/catalog/sections.ts';
import { resultView } from '../../src/components/utils/result-view.ts';
import { programFreshness } from '../../src/verify/trap-records.ts';
import { browserTestsCanRun } from '../support/chromium.ts';
import { addFixtureTraps, type FixtureTrap } from '../support/fixture-traps.ts';
import { ROOT } from '../support/paths.ts';
import { buildProject, projectCopy } from '../support/project-copy.ts';
import { axeViolations } from '../support/axe.ts';
import { collectPageErrors, startSite, themedContext, type SiteSession } from '../support/site-server.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const seed = loadCatalog(ROOT).pages.find((p) => p.id === SEED)!;
const canRun = browserTestsCanRun();

const catalog = loadCatalog(ROOT).pages;
const ids = (keep: (t: (typeof catalog)[number]['data'] & {}) => boolean) => catalog.filter((p) => keep(p.data!)).map((p) => p.id);
const hanging = ids((t) => t.symptoms.includes('hangs'));
const deadlocking = ids((t) => t.symptoms.includes('hangs') || t.tags.includes('deadlock'));

/**
 * Words a person with a frozen service types; the traps that answer them (the first result must
 * be one); and the trap that must be near the top: among the first three, or among the first as
 * many as there are answering traps when more traps answer.
 */
const SEARCHES: Array<[query: string, answers: string[], trap: string]> = [
	['hangs', hanging, SEED],
	['frozen', hanging, SEED],
	['deadlock', deadlocking, SEED],
	['asyncio.Lock', [SEED], SEED],
	// The seed shows runExclusive nested (the bug); the leaked-lock trap's fix is runExclusive, and
	// the lock-order trap's TypeScript fix is runExclusive in one order.
	['runExclusive', [SEED, 'lock-leaked-on-early-exit', 'lock-order-inversion'].filter((id) => catalog.some((p) => p.id === id)), SEED],
];

/** Extra traps for the filter tests, built in a project copy next to the catalog's own; each has a tag no real trap has. */
const FIXTURES: FixtureTrap[] = [
	{ name: 'fixture-starved-pool', title: 'Fixture: starved pool', language: 'python', category: 'trap', severity: 'critical', symptoms: ['slow-under-load', 'hangs'], tags: ['threads', 'fixture-pool'], related: [SEED] },
	{ name: 'fixture-double-charge', title: 'Fixture: double charge', language: 'typescript', category: 'pattern', severity: 'medium', symptoms: ['runs-twice', 'wrong-result'], tags: ['retries', 'fixture-charge'] },
	{ name: 'fixture-lost-task', title: 'Fixture: lost task', language: 'python', category: 'trap', severity: 'low', symptoms: ['wrong-result'], tags: ['asyncio', 'fixture-task'] },
];
/** Every trap of the filter catalog (the real ones and the fixtures) by its facets. */
const FILTER_CATALOG = [
	...catalog.map((p) => ({ id: p.id, ...p.data!, languages: p.data!.languages as string[] })),
	...FIXTURES.map((f) => ({ id: f.name, ...f, languages: [f.language] as string[] })),
];
/** The traps a filter must show, by a plain predicate over their frontmatter. */
const where = (keep: (t: (typeof FILTER_CATALOG)[number]) => boolean) => FILTER_CATALOG.filter(keep).map((t) => t.id).sort();

describe.skipIf(!canRun)('in a browser', () => {
	let main: SiteSession;
	let site: SiteSession;
	let context: BrowserContext;
	let errors: string[];
	let page: Page;

	beforeAll(async () => {
		main = site = await startSite(ROOT, inject('siteDir'));
		context = await site.browser.newContext();
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
		page = await context.newPage();
		errors = collectPageErrors(page);
	});
	afterAll(() => main?.stop());

	const open = async (path: string) => {
		await page.goto(site.origin + path);
		return page;
	};

	describe('the seed page', () => {
		beforeAll(() => open(`/traps/${SEED}/`));

		it('shows every section of the page, then related traps and references', async () => {
			const sections = findHeadings(seed.split.body, seed.split.bodyStartLine).filter((h) => h.depth === 2).map((h) => h.text);
			if (seed.data!.references.length) sections.push('References');
			for (const name of sections) {
				expect(await page.getByRole('heading', { level: 2, name, exact: true }).isVisible(), name).toBe(true);
			}
			expect(await page.getByRole('link', { name: 'How pages are verified' }).first().isVisible()).toBe(true);
		});

		it('shows under every program its verdict panel: badge, what the run observed, proof, and how to run it', async () => {
			const expected = programFreshness(ROOT, SEED, seed.data!.snippets);
			for (const { file, freshness } of expected) {
				const view = resultView(freshness);
				const panel = page.getByRole('region', { name: `Verification of ${file.split('/').pop()}` });
				expect(await panel.isVisible(), file).toBe(true);
				const badge = panel.locator('.result-badge');
				expect(await badge.textContent(), file).toContain(view.badge.label);
				if (view.badge.runtime) expect(await badge.textContent()).toContain(view.badge.runtime);
				expect((await panel.locator('.result-headline').textContent())!.replace(/\s+/g, ' '), file).toContain(view.headline);
				if (view.evidence && view.tone !== 'pass') expect(await panel.locator('.result-evidence pre').isVisible(), file).toBe(true);
				expect(await panel.locator('.result-command').textContent()).toBe(`npm run check -- snippets/${SEED}/${file}`);
				const href = await panel.getByRole('link', { name: file.split('/').pop(), exact: true }).getAttribute('href');
				const served = await page.request.get(site.origin + href);
				expect(await served.text()).toBe(readFileSync(join(ROOT, 'snippets', SEED, file), 'utf8'));
			}
		});

		it('shows the trap badge, when the page last changed, and where to edit it', async () => {
			expect(await page.locator('.trap-facts [data-badge]').isVisible()).toBe(true);
			expect(await page.getByText('Last updated:').isVisible()).toBe(true);
			const edit = await page.getByRole('link', { name: 'Edit page' }).getAttribute('href');
			expect(edit).toMatch(new RegExp(`/edit/main/content/traps/${SEED}\\.mdx$`));
		});

		it('lets a reader tick checklist items, and remembers them on reload', async () => {
			const first = page.getByRole('checkbox', { name: 'Map the call graph of all methods that will hold the lock' });
			await page.getByText('Map the call graph of all methods that will hold the lock').click();
			expect(await first.isChecked()).toBe(true);
			await page.reload();
			expect(await first.isChecked()).toBe(true);
			expect(await page.getByRole('checkbox').count()).toBe(5);
		});

		it('copies exactly the shown code, without line numbers', async () => {
			const button = page.getByRole('button', { name: 'Copy the store region of failure.py' });
			await button.click();
			await expect.poll(() => button.textContent()).toBe('Copied');
			const copied = await page.evaluate(() => navigator.clipboard.readText());
			const source = readFileSync(join(ROOT, 'snippets', SEED, 'failure.py'), 'utf8');
			expect(copied).toBe(extractRegion(source, 'failure.py', 'store').map((l) => l.text).join('\n'));
		});

		it('logs no error', () => {
			expect(errors).toEqual([]);
		});
	});

	describe('search', () => {
		it.each(SEARCHES)('finds "%s": a trap that answers it first, and %s near the top, through Pagefind', async (query, answers, trap) => {
			await open('/');
			// Pagefind's own API, as the search dialog uses it (a string, so Vitest leaves the import alone).
			const urls: string[] = await page.evaluate(`(async () => {
				const pagefind = await import(location.origin + '/pagefind/pagefind.js');
				await pagefind.init();
				const found = await pagefind.search(${JSON.stringify(query)});
				return Promise.all(found.results.slice(0, 10).map(async (r) => (await r.data()).url));
			})()`);
			const found = urls.map((u) => /\/traps\/([^/]+)\//.exec(u)?.[1] ?? u);
			expect(answers, `results for "${query}": ${found.join(', ')}`).toContain(found[0]);
			expect(found.slice(0, Math.max(3, answers.length)), `results for "${query}"`).toContain(trap);
		});

		it('opens from the keyboard and shows the trap in the dialog', async () => {
			await open('/');
			await page.locator('button[data-open-modal]:not([disabled])').waitFor();
			await page.keyboard.press('Control+k');
			const dialog = page.getByRole('dialog', { name: 'Search' });
			await dialog.waitFor();
			// Pagefind's box appears once its script loaded, which may be after the dialog opened.
			await dialog.locator('input').pressSequentially('reentrant');
			const result = dialog.locator(`a[href*="/traps/${SEED}/"]`).first();
			await result.waitFor();
			expect(await result.textContent()).toContain('asyncio.Lock');
			expect(errors).toEqual([]);
		});
	});

	it('shows the whole file on its own page, at the region, one click away', async () => {
		const page = await open(`/traps/${SEED}/`);
		await page.locator('figure[data-snippet$="/failure.py"] a.snippet-whole-link').click();
		await page.waitForURL(/\/files\/failure\.py\/#L\d+$/);
		const pre = page.locator('pre.astro-code');
		expect(await pre.isVisible()).toBe(true);
		expect(await pre.textContent()).toContain('async def main() -> dict:');
		const target = page.locator('.line:target');
		expect(await target.count()).toBe(1);
		expect(await target.isVisible()).toBe(true);
	});

	it('loads a module shown whole when the reader opens it', async () => {
		const page = await open(`/traps/${SEED}/`);
		const details = page.locator('figure[data-snippet$="/workload.py"] details.snippet-deferred');
		expect(await details.locator('pre').count()).toBe(0);
		await details.locator('summary').click();
		await details.locator('pre.astro-code').waitFor();
		const source = readFileSync(join(ROOT, 'snippets', SEED, 'workload.py'), 'utf8');
		const lines = await details.locator('.line').allTextContents();
		expect(lines.join('\n')).toBe(extractRegion(source, 'workload.py').map((l) => l.text).join('\n'));
	});

	describe('at phone width', () => {
		beforeAll(() => page.setViewportSize({ width: 390, height: 844 }));
		afterAll(() => page.setViewportSize({ width: 1280, height: 900 }));

		it.each(['/', `/traps/${SEED}/`])('%s never scrolls sideways; long lines scroll inside their block', async (path) => {
			await open(path);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		});

		it('keeps the marked line\'s ✗ and the verdict panel in view', async () => {
			await open(`/traps/${SEED}/`);
			const pre = page.locator('figure[data-snippet$="/failure.py"] pre.astro-code').first();
			expect(await pre.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
			const marked = pre.locator('[data-mark="bad"]');
			const [preBox, lineBox] = [await pre.boundingBox(), await marked.boundingBox()];
			expect(lineBox!.x).toBeGreaterThanOrEqual(preBox!.x);
			const mark = await marked.evaluate((e) => getComputedStyle(e, '::before').content);
			expect(mark).toContain('✗');
			const panel = page.getByRole('region', { name: 'Verification of failure.py' });
			const box = (await panel.boundingBox())!;
			expect(box.x).toBeGreaterThanOrEqual(0);
			expect(box.x + box.width).toBeLessThanOrEqual(390);
		});
	});
	describe('the home page filters, on a catalog with more traps', () => {
		let root: string;
		let site: SiteSession;
		let page: Page;
		let errors: string[];
		const total = FILTER_CATALOG.length;

		beforeAll(async () => {
			root = projectCopy((r) => addFixtureTraps(r, FIXTURES));
			const built = await buildProject(root);
			if (!built.ok) throw new Error(`the fixture catalog did not build:\n${built.output}`);
			site = await startSite(root, join(root, 'dist'), main.browser);
			page = await site.browser.newPage();
			errors = collectPageErrors(page);
		});
		afterAll(async () => {
			await site?.stop();
			if (root) rmSync(root, { recursive: true, force: true });
		});

		const shown = () => page.locator('[data-trap]:visible').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.trap).sort());
		const status = () => page.getByRole('status').textContent();
		const query = () => new URL(page.url()).search;

		it('narrows the list from the keyboard, says how many match, and keeps the state in the URL', async () => {
			await page.goto(`${site.origin}/`);
			expect(await status()).toBe(`${total} of ${total} traps`);
			await page.getByRole('checkbox', { name: 'Hangs' }).focus();
			await page.keyboard.press('Space');
			const hangs = where((t) => t.symptoms.includes('hangs'));
			expect(hangs.length).toBeLessThan(total);
			expect(await shown()).toEqual(hangs);
			expect(await status()).toBe(`${hangs.length} of ${total} traps`);
			expect(query()).toBe('?symptom=hangs');
			await page.getByRole('checkbox', { name: /^TypeScript/ }).check();
			const hangsInTypeScript = where((t) => t.symptoms.includes('hangs') && t.languages.includes('typescript'));
			expect(hangsInTypeScript).toContain(SEED);
			expect(hangsInTypeScript.length).toBeLessThan(hangs.length);
			expect(await shown()).toEqual(hangsInTypeScript);
			expect(await status()).toBe(`${hangsInTypeScript.length} of ${total} traps`);
			expect(query()).toBe('?language=typescript&symptom=hangs');
		});

		it('restores the filters on reload', async () => {
			await page.reload();
			expect(await page.getByRole('checkbox', { name: 'Hangs' }).isChecked()).toBe(true);
			expect(await page.getByRole('checkbox', { name: /^TypeScript/ }).isChecked()).toBe(true);
			const hangsInTypeScript = where((t) => t.symptoms.includes('hangs') && t.languages.includes('typescript'));
			expect(await shown()).toEqual(hangsInTypeScript);
			expect(await status()).toBe(`${hangsInTypeScript.length} of ${total} traps`);
		});

		it('restores a shared link: any of several values within a facet, every facet across them', async () => {
			await page.goto(`${site.origin}/?severity=critical&severity=low`);
			expect(await shown()).toEqual(where((t) => ['critical', 'low'].includes(t.severity)));
			expect(await shown()).toEqual(expect.arrayContaining(['fixture-lost-task', 'fixture-starved-pool']));
			await page.goto(`${site.origin}/?severity=critical&severity=low&tag=fixture-task&tag=fixture-pool`);
			expect(await page.locator('details[data-facet-tags]').getAttribute('open')).not.toBeNull();
			expect(await shown()).toEqual(['fixture-lost-task', 'fixture-starved-pool']);
			await page.goto(`${site.origin}/?category=pattern&symptom=runs-twice`);
			expect(await shown()).toEqual(where((t) => t.category === 'pattern' && t.symptoms.includes('runs-twice')));
			expect(await shown()).toContain('fixture-double-charge');
		});

		it('says so when nothing matches, and clears every filter at once', async () => {
			// The only trap with this tag is in TypeScript.
			await page.goto(`${site.origin}/?tag=fixture-charge&language=python`);
			expect(await shown()).toEqual([]);
			expect(await status()).toBe(`0 of ${total} traps`);
			expect(await page.getByText('No trap matches all of these filters').isVisible()).toBe(true);
			await page.getByRole('button', { name: 'Clear filters' }).click();
			expect((await shown()).length).toBe(total);
			expect(query()).toBe('');
		});

		it('ignores values it does not offer in a link', async () => {
			await page.goto(`${site.origin}/?symptom=sneezes&language=cobol`);
			expect((await shown()).length).toBe(total);
			expect(await status()).toBe(`${total} of ${total} traps`);
		});

		it('shows the full list, and no dead controls, without JavaScript', async () => {
			const context = await site.browser.newContext({ javaScriptEnabled: false });
			const plain = await context.newPage();
			await plain.goto(`${site.origin}/?symptom=hangs`);
			expect(await plain.locator('[data-trap]:visible').count()).toBe(total);
			expect(await plain.locator('[data-trap-filters]').isVisible()).toBe(false);
			await context.close();
		});

		it.each(['light', 'dark'] as const)('has no WCAG 2.2 A/AA violation with every kind of filter on offer, filtered, in the %s theme', async (theme) => {
			const context = await themedContext(site.browser, theme);
			const themed = await context.newPage();
			await themed.goto(`${site.origin}/?symptom=wrong-result&severity=low`);
			await themed.locator('details[data-facet-tags] summary').click();
			expect(await axeViolations(themed)).toEqual([]);
			await context.close();
		});

		it('links a related trap from a trap page, with its badge', async () => {
			await page.goto(`${site.origin}/traps/fixture-starved-pool/`);
			const related = page.locator('h2#related-traps + ul li');
			expect(await related.getByRole('link', { name: seed.data!.title }).getAttribute('href')).toBe(`/traps/${SEED}/`);
			// The copy has no verification records.
			expect(await related.locator('[data-badge]').textContent()).toContain('Not verified in this build');
		});

		it('logs no error', () => {
			expect(errors).toEqual([]);
		});
	});
});
