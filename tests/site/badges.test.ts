import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { trapBadge } from '../../src/components/utils/trap-badge.ts';
import { checkClaim } from '../../src/verify/claim.ts';
import { currentSourceHash, writeRecord } from '../../src/verify/results.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { programFreshness } from '../../src/verify/trap-records.ts';
import { Page } from '../support/html.ts';
import { ROOT } from '../support/paths.ts';
import { buildProject, edit, projectCopy } from '../support/project-copy.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const site = inject('siteDir');

const badgeOf = (page: Page, within = page.doc) => {
	const node = page.one('[data-badge]', within);
	return { state: page.attr(node, 'data-badge'), text: page.text(node).replace(/\s+/g, ' ').trim() };
};

describe('verification badges', () => {
	const roots: string[] = [];
	afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

	it('on every home-page entry and trap page say what the records say', () => {
		const home = Page.load(site, 'index.html');
		for (const trap of loadCatalog(ROOT).pages) {
			const expected = trapBadge(programFreshness(ROOT, trap.id, trap.data!.snippets));
			const card = home.one(`[data-trap="${trap.id}"]`);
			const page = Page.load(site, `traps/${trap.id}/index.html`);
			for (const shown of [badgeOf(home, card), badgeOf(page, page.one('.trap-facts'))]) {
				expect(shown.state, trap.id).toBe(expected.state);
				expect(shown.text).toContain(expected.label);
				if (expected.date) expect(shown.text).toContain(expected.date);
			}
			expect(badgeOf(page, page.one('.trap-facts')).text).toContain(expected.detail);
		}
	});

	it('say "failed" when a program does not do what its page claims, and "not verified" for programs never run', async () => {
		// The copy's page claims racy.py completes; it raises. Only racy.py is verified there.
		const root = projectCopy((r) => edit(r, `content/traps/${SEED}.mdx`, 'file: racy.py\n    expect: raised', 'file: racy.py\n    expect: completed'));
		roots.push(root);
		const seed = loadCatalog(root).pages.find((p) => p.id === SEED)!.data!;
		const run = await runSnippet(join(root, 'snippets', SEED, 'racy.py'), { timeoutMs: 10_000, detect: true });
		writeRecord(root, {
			snippet: `snippets/${SEED}/racy.py`,
			trap: SEED,
			file: 'racy.py',
			expect: 'completed',
			sourceHash: currentSourceHash(root, SEED, seed.snippets, 'racy.py'),
			ranAt: new Date().toISOString(),
			run,
			contract: null,
			matches: checkClaim({ expect: 'completed', timeoutMs: 10_000 }, run, null).length === 0,
		});
		const { ok, output } = await buildProject(root);
		expect(ok, output).toBe(true);
		const home = Page.load(join(root, 'dist'), 'index.html');
		const page = Page.load(join(root, 'dist'), `traps/${SEED}/index.html`);
		expect(badgeOf(home, home.one(`[data-trap="${SEED}"]`))).toMatchObject({ state: 'failed' });
		const facts = badgeOf(page, page.one('.trap-facts'));
		expect(facts.state).toBe('failed');
		expect(facts.text).toContain('did not behave as the page claims in the last run (racy.py)');
		const panel = (file: string) => page.text(page.one('.result-badge', page.all('figure.snippet').find((f) => page.attr(f, 'data-snippet') === `snippets/${SEED}/${file}`)!));
		expect(panel('racy.py')).toContain('✗ Failed');
		expect(panel('racy.py')).toContain(`raised on ${run.runtime.name} ${run.runtime.version}`);
		expect(panel('solution.py')).toContain('Not verified in this build');
	});
});
