import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { axeViolations } from '../support/axe.ts';
import { browserTestsCanRun } from '../support/chromium.ts';
import { ROOT } from '../support/paths.ts';
import { collectPageErrors, openSearch, startSite, themedContext, type SiteSession } from '../support/site-server.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const THEMES = ['light', 'dark'] as const;
/** Where the screenshots go (git-ignored; README says so). */
const SHOTS = join(ROOT, 'test-results/screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const canRun = browserTestsCanRun();

const pages = ['/', '/verification/', '/404.html', ...loadCatalog(ROOT).pages.map((p) => `/traps/${p.id}/`)];

describe.skipIf(!canRun)('every page, in both themes', () => {
	let site: SiteSession;
	beforeAll(async () => {
		site = await startSite(ROOT, inject('siteDir'));
		mkdirSync(SHOTS, { recursive: true });
	});
	afterAll(() => site?.stop());

	for (const theme of THEMES) {
		describe(`${theme} theme`, () => {
			let page: Page;
			let errors: string[];
			beforeAll(async () => {
				const context = await themedContext(site.browser, theme, { viewport: DESKTOP });
				page = await context.newPage();
				errors = collectPageErrors(page);
			});
			afterAll(() => page?.context().close());

			const visit = async (path: string) => {
				errors.length = 0;
				await page.goto(site.origin + path, { waitUntil: 'load' });
				expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
			};

			it.each(pages)('%s has no WCAG 2.2 A/AA violation and no console error', async (path) => {
				await visit(path);
				expect(await axeViolations(page)).toEqual([]);
				// 404.html is served with status 404 on purpose; anything else failing is an error.
				expect(errors.filter((e) => !(path === '/404.html' && e.includes('HTTP 404') && e.endsWith('/404.html')))).toEqual([]);
			});

			it('a filtered home page has no violation', async () => {
				await visit('/?language=python&symptom=hangs');
				expect(await page.getByRole('status').textContent()).toMatch(/^\d+ of \d+ traps?$/);
				expect(await axeViolations(page)).toEqual([]);
				await visit('/?severity=low&severity=medium&category=pattern&language=typescript&symptom=crashes');
				expect(await axeViolations(page)).toEqual([]);
				expect(errors).toEqual([]);
			});

			it('the open search dialog, with results, has no violation', async () => {
				await visit('/');
				await openSearch(page);
				await page.locator('#starlight__search input').fill('deadlock');
				await page.locator('#starlight__search .pagefind-ui__result').first().waitFor();
				expect(await page.getByRole('dialog').isVisible()).toBe(true);
				expect(await axeViolations(page)).toEqual([]);
				expect(errors).toEqual([]);
			});

			it('saves screenshots of the home page and the seed page, desktop and phone', async () => {
				for (const [device, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
					await page.setViewportSize(viewport);
					await visit('/');
					await page.screenshot({ path: join(SHOTS, `home-${theme}-${device}.png`), fullPage: true });
					await visit(`/traps/${SEED}/`);
					await page.screenshot({ path: join(SHOTS, `seed-${theme}-${device}.png`) });
					// The first program with its marked line and its result panel, as a reader scrolls to it.
					await page.locator('figure[data-snippet$="/failure.py"] .snippet-legend').evaluate((e) => e.scrollIntoView({ block: 'center' }));
					await page.screenshot({ path: join(SHOTS, `seed-failure-${theme}-${device}.png`) });
				}
				await page.setViewportSize(DESKTOP);
			});
		});
	}
});
