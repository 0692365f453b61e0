import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { checkClaim } from '../../src/verify/claim.ts';
import { currentSourceHash, writeRecord } from '../../src/verify/results.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { Page } from '../support/html.ts';
import { ROOT } from '../support/paths.ts';
import { buildProject, edit, projectCopy } from '../support/project-copy.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const seed = loadCatalog(ROOT).pages.find((p) => p.id === SEED)!.data!;
const programs = seed.snippets.filter((s) => s.role === 'program').map((s) => s.file);

const resultOf = (page: Page, file: string) => {
	const figure = page.all('figure.snippet').find((f) => page.attr(f, 'data-snippet') === `snippets/${SEED}/${file}`)!;
	const section = page.one('section.snippet-result', figure);
	return { state: page.attr(section, 'data-result-state'), text: page.text(section).replace(/\s+/g, ' ') };
};

describe.concurrent('a page built', () => {
	const roots: string[] = [];
	afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

	it('without verification results says so plainly under every program', async () => {
		const root = projectCopy();
		roots.push(root);
		const { ok, output } = await buildProject(root);
		expect(ok, output).toBe(true);
		const page = Page.load(join(root, 'dist'), `traps/${SEED}/index.html`);
		for (const file of programs) {
			const result = resultOf(page, file);
			expect(result.state, file).toBe('missing');
			expect(result.text).toContain('Not verified in this build');
			expect(result.text).not.toContain('Observed:');
		}
	});

	it('after its program changed never shows the old result as current', async () => {
		const root = projectCopy();
		roots.push(root);
		// Verify solution.py in the copy, then change the program after the run.
		const path = join(root, 'snippets', SEED, 'solution.py');
		const run = await runSnippet(path, { timeoutMs: 10_000, detect: true });
		writeRecord(root, {
			snippet: `snippets/${SEED}/solution.py`,
			trap: SEED,
			file: 'solution.py',
			expect: 'completed',
			sourceHash: currentSourceHash(root, SEED, seed.snippets, 'solution.py'),
			ranAt: new Date().toISOString(),
			run,
			contract: null,
			matches: checkClaim({ expect: 'completed', timeoutMs: 10_000 }, run, null).length === 0,
		});
		const before = await buildProject(root);
		expect(before.ok, before.output).toBe(true);
		expect(resultOf(Page.load(join(root, 'dist'), `traps/${SEED}/index.html`), 'solution.py')).toMatchObject({ state: 'current' });

		edit(root, `snippets/${SEED}/workload.py`, 'SCHEMA = (', '# a module the program imports changed\nSCHEMA = (');
		const after = await buildProject(root);
		expect(after.ok, after.output).toBe(true);
		const result = resultOf(Page.load(join(root, 'dist'), `traps/${SEED}/index.html`), 'solution.py');
		expect(result.state).toBe('stale');
		expect(result.text).toContain('changed after the last run');
		expect(result.text).not.toContain('Observed:');
	});
});
