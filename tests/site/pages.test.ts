import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { extractRegion, findMarkedLines } from '../../src/catalog/regions.ts';
import { findSnippetReferences } from '../../src/catalog/snippet-refs.ts';
import { resultView } from '../../src/components/utils/result-view.ts';
import { currentSourceHash, freshness, readRecord } from '../../src/verify/results.ts';
import { Page } from '../support/html.ts';
import { ROOT } from '../support/paths.ts';
import { facetPages } from '../../src/catalog/facets.ts';

const site = inject('siteDir');
const catalog = loadCatalog(ROOT);
const SEED = 'asyncio-lock-non-reentrant-deadlock';

/** The built page a site-absolute link points to (`/traps/x/files/y.py/#L4` → its index.html). */
function linked(href: string): Page {
	const path = href.split('#')[0].replace(/^\//, '');
	return Page.load(site, path.endsWith('/') ? `${path}index.html` : path);
}

/**
 * The code block a snippet figure shows: its own, or for a module shown whole (loaded when the
 * reader opens it), the one on the page it is loaded from.
 */
function shownCode(page: Page, figure: ReturnType<Page['all']>[number]): { page: Page; pre: ReturnType<Page['one']> } {
	const deferred = page.all('details.snippet-deferred', figure)[0];
	if (!deferred) return { page, pre: page.all('pre.astro-code', figure)[0] };
	const from = linked(page.attr(deferred, 'data-src')!);
	return { page: from, pre: from.one('pre.astro-code') };
}

describe('every trap page', () => {
	for (const trap of catalog.pages) {
		describe(trap.id, () => {
			const { references } = findSnippetReferences(trap.split.body, trap.split.bodyStartLine);
			/** Where a failed check points an author: the page, the line and the snippet reference. */
			const where = (ref: (typeof references)[number], what: string) =>
				`${trap.file}:${ref.line}: <Snippet file="${ref.file}"${ref.region ? ` region="${ref.region}"` : ''}>: ${what}`;
			let page: Page;
			let figures: ReturnType<Page['all']>;
			beforeAll(() => {
				page = Page.load(site, `traps/${trap.id}/index.html`);
				figures = page.all('figure.snippet');
			});

			it('is titled and searchable', () => {
				expect(page.text(page.one('h1'))).toBe(trap.data!.title);
				expect(page.all('[data-pagefind-body]').length).toBe(1);
			});

			it('shows each referenced snippet verbatim, in order, titled with its file name', () => {
				expect(figures.length, `${trap.file}: one <figure class="snippet"> per <Snippet>`).toBe(references.length);
				references.forEach((ref, i) => {
					const source = readFileSync(join(ROOT, 'snippets', trap.id, ref.file), 'utf8');
					const expected = extractRegion(source, ref.file, ref.region).map((l) => l.text).join('\n');
					const figure = figures[i];
					expect(page.attr(figure, 'data-snippet'), where(ref, 'the figure shows another file')).toBe(`snippets/${trap.id}/${ref.file}`);
					expect(page.text(page.one('.snippet-title', figure)), where(ref, 'title')).toBe(ref.title ?? ref.file.split('/').pop());
					const code = shownCode(page, figure);
					expect(code.page.all('.line', code.pre).map((l) => code.page.text(l)).join('\n'), where(ref, 'shown code differs from the file')).toBe(expected);
				});
			});

			it('numbers lines as in the file and marks the bad and good lines, listed in any order', () => {
				references.forEach((ref, i) => {
					const source = readFileSync(join(ROOT, 'snippets', trap.id, ref.file), 'utf8');
					const lines = extractRegion(source, ref.file, ref.region);
					const code = shownCode(page, figures[i]);
					const shown = code.page.all('.line', code.pre);
					expect(shown.map((l) => Number(code.page.attr(l, 'data-line'))), where(ref, 'line numbers')).toEqual(lines.map((l) => l.number));
					const marked = (kind: string) => shown.filter((l) => code.page.attr(l, 'data-mark') === kind).map((l) => Number(code.page.attr(l, 'data-line')));
					const byNumber = (needles: string[]) => [...new Set(findMarkedLines(lines, needles, ref.file))].sort((a, b) => a - b);
					expect(marked('bad'), where(ref, `lines marked bad for ${JSON.stringify(ref.bad)}`)).toEqual(byNumber(ref.bad));
					expect(marked('good'), where(ref, `lines marked good for ${JSON.stringify(ref.good)}`)).toEqual(byNumber(ref.good));
				});
			});

			it('links a region to the whole file, highlighted on its own page at the region, and offers a download of the exact file', () => {
				references.forEach((ref, i) => {
					const source = readFileSync(join(ROOT, 'snippets', trap.id, ref.file), 'utf8');
					const whole = page.all('a.snippet-whole-link', figures[i]);
					expect(whole.length, where(ref, 'link to the whole file')).toBe(ref.region ? 1 : 0);
					if (ref.region) {
						const href = page.attr(whole[0], 'href')!;
						const filePage = linked(href);
						const pre = filePage.one('pre.astro-code');
						const code = filePage.all('.line', pre).map((l) => filePage.text(l)).join('\n');
						expect(code, where(ref, 'whole file differs from the file')).toBe(extractRegion(source, ref.file).map((l) => l.text).join('\n'));
						const first = extractRegion(source, ref.file, ref.region)[0].number;
						expect(href.endsWith(`#L${first}`), where(ref, `whole-file link ${href} points at the region`)).toBe(true);
						expect(filePage.attr(filePage.one(`#L${first}`), 'data-line')).toBe(String(first));
					}
					const href = page.attr(page.one('.snippet-actions a[download]', figures[i]), 'href')!;
					expect(readFileSync(join(site, href), 'utf8'), where(ref, `download ${href}`)).toBe(source);
				});
			});

			it('shows under each program what the last verification run observed, and nothing under modules', () => {
				references.forEach((ref, i) => {
					const decl = trap.data!.snippets.find((d) => d.file === ref.file)!;
					const sections = page.all('section.snippet-result', figures[i]);
					if (decl.role === 'module') {
						expect(sections.length, where(ref, 'a module shows no result')).toBe(0);
						return;
					}
					const expected = resultView(
						freshness(readRecord(ROOT, trap.id, ref.file), currentSourceHash(ROOT, trap.id, trap.data!.snippets, ref.file)),
					);
					expect(sections.length, where(ref, 'one result under a program')).toBe(1);
					expect(page.attr(sections[0], 'data-result-state'), where(ref, 'result state')).toBe(expected.state);
					const shown = page.text(sections[0]).replace(/\s+/g, ' ');
					expect(shown, where(ref, 'result headline')).toContain(expected.headline.replace(/\s+/g, ' '));
					if (expected.evidence) expect(page.text(page.one('.result-evidence pre', sections[0])), where(ref, 'witness or error')).toBe(expected.evidence);
					const warning = page.all('.result-warning pre', sections[0]);
					expect(warning.map((w) => page.text(w)), where(ref, 'lock-order warning')).toEqual(expected.warning ? [expected.warning] : []);
				});
			});

			it('renders red flags as a warning list and the checklist as boxes to tick', () => {
				expect(page.all('aside.red-flags li').length).toBeGreaterThan(0);
				const items = page.all('.checklist li');
				expect(items.length).toBeGreaterThan(0);
				for (const li of items) {
					const box = page.one('input[type="checkbox"]', li);
					expect(page.attr(box, 'disabled')).toBeUndefined();
					expect(page.attr(page.one('label', li), 'for')).toBe(page.attr(box, 'id'));
				}
			});

			it('links its related traps and lists its references', () => {
				for (const name of trap.data!.related) {
					expect(page.all(`a[href="/traps/${name}/"]`).length).toBeGreaterThan(0);
				}
				for (const ref of trap.data!.references) {
					expect(page.all('a').some((a) => page.attr(a, 'href') === ref.url)).toBe(true);
				}
			});
		});
	}
});

describe('the seed page', () => {
	let page: Page;
	let text: string;
	beforeAll(() => {
		page = Page.load(site, `traps/${SEED}/index.html`);
		text = page.text(page.one('main')).replace(/\s+/g, ' ');
	});

	it('has the seed card\'s sections in the seed card\'s order', () => {
		const headings = page.all('main h2').map((h) => page.text(h));
		const order = ['Problem', 'Failure pattern', 'Solution', 'Naming convention', 'Key insights', 'Red flags', 'Checklist: before adding asyncio.Lock'];
		expect(headings.filter((h) => order.includes(h))).toEqual(order);
	});

	it.each([
		'a deadlock occurs if a method that already holds the lock calls another method that also acquires the same lock',
		'Symptom: the application hangs indefinitely (deadlock): no error, no crash, just frozen.',
		'Root cause: asyncio.Lock is NOT reentrant. Unlike threading.RLock, acquiring the same lock twice in the same task deadlocks',
		'Common misconception: “I’ll just add async with self._lock: to every write method.” This is correct for independent callers, but breaks when locked methods call each other internally.',
		'Use the public / _locked variant pattern: the public method acquires the lock and delegates to a _locked variant that assumes the lock is already held.',
		'Public: set_hash(), delete(), upsert()',
		'Internal locked: _set_hash_locked(), _delete_locked(), _upsert_locked()',
		'The _locked suffix signals “caller must hold the lock”: it acts as a contract.',
		'asyncio.Lock is the async equivalent of threading.Lock, NOT threading.RLock. There is no async reentrant lock in the standard library',
		'The deadlock is silent: no exception, no timeout, just a frozen coroutine. Very hard to debug in production.',
		'This trap appears specifically when retrofitting locks onto existing code to fix race conditions. The original code worked without locks, so internal call chains never considered reentrancy.',
	])('keeps the seed\'s words: %s', (words) => {
		expect(text).toContain(words);
	});

	it('keeps every red flag of the seed card, as a warning list', () => {
		const flags = page.all('aside.red-flags li').map((li) => page.text(li).replace(/\s+/g, ' ').trim());
		expect(flags).toEqual([
			'Adding async with self._lock: to multiple methods in the same class',
			'A locked method calling another public method of the same class',
			'rebuild, sync, migrate methods that orchestrate multiple write operations: these are prime candidates for deadlock because they call many sub-methods',
			'Tests pass (because tests rarely exercise the exact concurrent path that triggers the deadlock)',
			'The application “sometimes hangs” in production but works fine in testing',
		]);
	});

	it('keeps every checklist item of the seed card, as boxes to tick', () => {
		const items = page.all('li > label', page.one('.checklist')).map((l) => page.text(l).replace(/\s+/g, ' ').trim());
		expect(items).toEqual([
			'Map the call graph of all methods that will hold the lock',
			'Check: does any locked method call another locked method? If yes → use _locked variants',
			'Keep lock scope minimal: acquire late, release early',
			'Never hold a lock across await calls to external services (network I/O)',
			'Consider whether a snapshot pattern (copy under lock, operate outside) is simpler than locking the entire operation',
		]);
	});

	it('marks the line that deadlocks and the line that fixes it, in the region and in the whole file behind it', () => {
		const marked = (on: Page, within: ReturnType<Page['one']>, kind: string) =>
			on.all('.line', within).filter((l) => on.attr(l, 'data-mark') === kind).map((l) => on.text(l).trim());
		for (const [file, kind, line] of [
			['failure.py', 'bad', 'await self.set_hash(path, digest(text))  # ❌ DEADLOCK — lock already held'],
			['solution.py', 'good', 'await self._set_hash_locked(path, digest(text))  # ✓ No deadlock'],
		]) {
			const figure = page.all('figure.snippet').find((f) => page.attr(f, 'data-snippet')?.endsWith(`/${file}`))!;
			expect(marked(page, figure, kind)).toEqual([line]);
			const whole = linked(page.attr(page.one('a.snippet-whole-link', figure), 'href')!);
			expect(marked(whole, whole.one('pre'), kind)).toEqual([line]);
		}
	});
});

describe('the catalog home page', () => {
	let page: Page;
	beforeAll(() => {
		page = Page.load(site, 'index.html');
	});

	it('lists every trap with title, description, languages, severity and tags, linked', () => {
		const cards = page.all('.trap-card');
		expect(cards.length).toBe(catalog.pages.length);
		for (const trap of catalog.pages) {
			const card = cards.find((c) => page.all(`a[href="/traps/${trap.id}/"]`, c).length > 0);
			expect(card, trap.id).toBeDefined();
			const text = page.text(card).replace(/\s+/g, ' ');
			const d = trap.data!;
			expect(text).toContain(d.title);
			expect(text).toContain(d.description);
			expect(text.toLowerCase()).toContain(d.severity);
			for (const tag of d.tags) expect(text).toContain(tag);
			expect(text).toContain(d.languages.map((l) => ({ python: 'Python', typescript: 'TypeScript' })[l]).join(', '));
		}
	});

	it('groups the traps in the sidebar by what a reader sees and by language, each group a page listing exactly its traps', () => {
		const sidebar = page.one('#starlight__sidebar');
		const traps = catalog.pages.map((p) => ({ id: p.id, data: p.data! }));
		const groups = facetPages(traps);
		expect(groups.filter((g) => g.facet === 'symptom').length).toBeGreaterThan(0);
		for (const group of groups) {
			const links = page.all(`a[href="${group.path}"]`, sidebar);
			expect(links.map((a) => page.text(a).trim()), group.path).toEqual([group.label]);
			const listed = Page.load(site, `${group.path.slice(1)}index.html`);
			const shown = listed.all('[data-trap]').map((li) => listed.attr(li, 'data-trap')).sort();
			expect(shown, group.path).toEqual(traps.filter((t) => group.facet === 'symptom' ? t.data.symptoms.includes(group.value as never) : t.data.languages.includes(group.value as never)).map((t) => t.id).sort());
		}
		// Every trap is reachable from the sidebar: through at least one group of each kind.
		for (const t of traps) for (const facet of ['symptom', 'language']) expect(groups.some((g) => g.facet === facet && g.traps.includes(t.id)), `${t.id} by ${facet}`).toBe(true);
	});

	it('ships a search index', () => {
		expect(existsSync(join(site, 'pagefind/pagefind.js'))).toBe(true);
	});
});
