import { describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { findSnippetReferences } from '../../src/catalog/snippet-refs.ts';
import { Page } from '../support/html.ts';
import { firstLoad, gzipTotal, type FirstLoad } from '../support/page-weight.ts';
import { ROOT } from '../support/paths.ts';

const site = inject('siteDir');
const catalog = loadCatalog(ROOT);
const SEED = 'asyncio-lock-non-reentrant-deadlock';
const kB = 1000;

/** Issue 10's budgets for the first load of a trap page, gzipped. */
export const BUDGET = {
	/** HTML of the seed page (fourteen files, ten programs). */
	seedHtml: 20 * kB,
	/** HTML of a trap page with up to six programs. */
	smallHtml: 12 * kB,
	/** JavaScript files the page loads at first, with their static imports. */
	js: 6 * kB,
	/** Stylesheets that apply on screen. */
	css: 15 * kB,
};

const describeLoad = (l: FirstLoad) =>
	`HTML ${l.html.gzip} B, JS ${gzipTotal(l.js)} B in ${l.js.length} files (${l.js.map((f) => `${f.path} ${f.gzip}`).join(', ')}), CSS ${gzipTotal(l.css)} B`;

describe('page weight: the first load of every trap page, gzipped', () => {
	for (const trap of catalog.pages) {
		const programs = (trap.data?.snippets ?? []).filter((s) => s.role === 'program').length;
		const htmlBudget = trap.id === SEED || programs > 6 ? BUDGET.seedHtml : BUDGET.smallHtml;

		describe(`${trap.id} (${programs} programs)`, () => {
			it(`stays within HTML ≤ ${htmlBudget / kB} kB, JS ≤ ${BUDGET.js / kB} kB, CSS ≤ ${BUDGET.css / kB} kB`, async () => {
				const load = await firstLoad(site, `traps/${trap.id}/index.html`);
				const figures = describeLoad(load);
				expect(load.html.gzip, figures).toBeLessThanOrEqual(htmlBudget);
				expect(gzipTotal(load.js), figures).toBeLessThanOrEqual(BUDGET.js);
				expect(gzipTotal(load.css), figures).toBeLessThanOrEqual(BUDGET.css);
			});

			it('within that budget, still shows every snippet and under each program its last run', () => {
				const page = Page.load(site, `traps/${trap.id}/index.html`);
				const { references } = findSnippetReferences(trap.split.body, trap.split.bodyStartLine);
				const figures = page.all('figure.snippet');
				expect(figures.length).toBe(references.length);
				references.forEach((ref, i) => {
					const decl = trap.data!.snippets.find((d) => d.file === ref.file)!;
					const code = page.all('pre.astro-code', figures[i]).length + page.all('details.snippet-deferred', figures[i]).length;
					expect(code, ref.file).toBe(1);
					expect(page.all('section.snippet-result', figures[i]).length, ref.file).toBe(decl.role === 'program' ? 1 : 0);
				});
			});
		});
	}

	// Their JS is Astro's link prefetch (which Starlight turns on for every page) and the copy button.
	it('keeps whole-file pages light: no frame, under 2 kB of JS and 2 kB of CSS', async () => {
		for (const trap of catalog.pages) {
			for (const s of trap.data!.snippets) {
				const load = await firstLoad(site, `traps/${trap.id}/files/${s.file}/index.html`);
				expect(gzipTotal(load.js), `${s.file}: ${describeLoad(load)}`).toBeLessThanOrEqual(2 * kB);
				expect(gzipTotal(load.css), `${s.file}: ${describeLoad(load)}`).toBeLessThanOrEqual(2 * kB);
			}
		}
	});
});
