import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenInternalLinks } from '../support/site-links.ts';

const site = mkdtempSync(join(tmpdir(), 'site-links-'));
const write = (file: string, html: string) => {
	mkdirSync(dirname(join(site, file)), { recursive: true });
	writeFileSync(join(site, file), `<!doctype html><html><body>${html}</body></html>`);
};
afterAll(() => rmSync(site, { recursive: true, force: true }));

describe('the internal link check', () => {
	it('accepts links to served pages, files and anchors, and ignores other sites', () => {
		write('index.html', '<a href="/traps/a/#fix">a</a><a href="traps/a/">a</a><a href="https://example.org/nowhere/">x</a><link rel="canonical" href="https://site.test/traps/a/"><script src="/app.js"></script>');
		write('traps/a/index.html', '<h2 id="fix">Fix</h2><a href="../../">home</a><a href="#fix">here</a>');
		writeFileSync(join(site, 'app.js'), '');
		expect(brokenInternalLinks(site, 'https://site.test')).toEqual([]);
	});

	it('reports a missing page, a missing anchor and a missing file, naming the page and link', () => {
		write('traps/b/index.html', '<a href="/traps/c/">c</a><a href="/traps/a/#gone">a</a><img src="/missing.png" alt=""><a href="https://site.test/old/">old</a>');
		expect(brokenInternalLinks(site, 'https://site.test')).toEqual([
			{ page: 'traps/b/index.html', href: '/traps/c/', reason: 'no such file in the built site' },
			{ page: 'traps/b/index.html', href: '/traps/a/#gone', reason: 'traps/a/index.html has no element with id "gone"' },
			{ page: 'traps/b/index.html', href: 'https://site.test/old/', reason: 'no such file in the built site' },
			{ page: 'traps/b/index.html', href: '/missing.png', reason: 'no such file in the built site' },
		]);
	});
});
