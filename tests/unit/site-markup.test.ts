import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestCommitDate, parseCommitTime } from '../../src/catalog/last-updated.ts';
import { nameSearchButtonByItsText } from '../../src/components/utils/search-button.ts';

// As Starlight 0.42 renders its search button (scoped classes included).
const STARLIGHT_BUTTON =
	'<button data-open-modal disabled aria-label="Search" aria-keyshortcuts="Control+K" class="astro-x"><svg aria-hidden="true"></svg>' +
	'<span class="sl-hidden md:sl-block astro-x" aria-hidden="true">Search</span><kbd class="sl-hidden md:sl-flex astro-x" style="display: none;">' +
	'<kbd class="astro-x">Ctrl</kbd><kbd class="astro-x">K</kbd></kbd></button>';

describe('the search button', () => {
	it('is named by its visible words, with spaces between them', () => {
		const html = nameSearchButtonByItsText(STARLIGHT_BUTTON);
		expect(html).toContain('aria-labelledby="sl-search-label sl-search-shortcut"');
		expect(html).not.toContain('aria-label="Search"');
		expect(html).toContain('<span id="sl-search-label" class="sl-hidden md:sl-block');
		expect(html).toContain('</span> <kbd id="sl-search-shortcut"');
		expect(html).toContain('>Ctrl</kbd> <kbd');
	});

	it('fails the build, saying where to look, when Starlight changes the markup', () => {
		expect(() => nameSearchButtonByItsText('<button data-open-modal aria-label="Search"></button>')).toThrow(/Search\.astro: Starlight's search markup changed \(its label not found\)/);
	});
});

describe('last updated', () => {
	it('is the newest commit of any of the paths, and nothing for files git does not track', () => {
		const repo = mkdtempSync(join(tmpdir(), 'last-updated-'));
		try {
			const git = (args: string[], date?: string) =>
				execFileSync('git', args, {
					cwd: repo,
					env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', ...(date && { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date }) },
				});
			git(['init', '-q']);
			writeFileSync(join(repo, 'page.mdx'), 'a');
			git(['add', '.']);
			git(['commit', '-qm', 'page'], '2026-01-02T03:04:05Z');
			writeFileSync(join(repo, 'snippet.py'), 'b');
			git(['add', '.']);
			git(['commit', '-qm', 'snippet'], '2026-02-03T04:05:06Z');
			writeFileSync(join(repo, 'untracked.py'), 'c');
			expect(newestCommitDate(repo, ['page.mdx'])?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
			expect(newestCommitDate(repo, ['page.mdx', 'snippet.py'])?.toISOString()).toBe('2026-02-03T04:05:06.000Z');
			expect(newestCommitDate(repo, ['untracked.py'])).toBeUndefined();
			expect(newestCommitDate(tmpdir(), ['nothing-here'])).toBeUndefined();
		} finally {
			rmSync(repo, { recursive: true, force: true });
		}
	});

	it('reads only a plain timestamp', () => {
		expect(parseCommitTime('1764547200\n')?.toISOString()).toBe('2025-12-01T00:00:00.000Z');
		expect(parseCommitTime('')).toBeUndefined();
		expect(parseCommitTime('fatal: not a git repository')).toBeUndefined();
	});
});
