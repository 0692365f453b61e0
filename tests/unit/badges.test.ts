import { describe, expect, it } from 'vitest';
import { editUrl, programLinks } from '../../src/components/utils/program-links.ts';
import { resultView } from '../../src/components/utils/result-view.ts';
import { trapBadge } from '../../src/components/utils/trap-badge.ts';
import type { Freshness, SnippetRecord } from '../../src/verify/results.ts';
import type { RunResult } from '../../src/verify/run-snippet.ts';

const run = (over: Partial<RunResult> = {}): RunResult => ({
	file: 'snippets/t/failure.py',
	language: 'python',
	outcome: 'deadlock',
	detectedBy: 'cycle',
	elapsedMs: 6,
	timeoutMs: 5000,
	detect: true,
	runtime: { name: 'CPython', version: '3.11.7' },
	witness: null,
	error: null,
	returned: null,
	stdout: '',
	stderr: '',
	truncated: { stdout: false, stderr: false },
	killedByRunner: false,
	strays: 0,
	...over,
});
const record = (file: string, ranAt: string, matches = true): SnippetRecord => ({
	snippet: `snippets/t/${file}`,
	trap: 't',
	file,
	expect: 'deadlock',
	sourceHash: 'h',
	ranAt,
	run: run(),
	contract: run({ outcome: 'timeout', detect: false }),
	matches,
});
const current = (file: string, ranAt = '2026-11-26T08:40:00.000Z', matches = true) => ({
	file,
	freshness: { state: 'current', record: record(file, ranAt, matches) } as Freshness,
});
const stale = (file: string) => ({ file, freshness: { state: 'stale', record: record(file, '2026-01-01T00:00:00.000Z') } as Freshness });
const missing = (file: string) => ({ file, freshness: { state: 'missing' } as Freshness });

describe('a trap badge', () => {
	it('says verified, with the newest run date, only when every program agrees with the page', () => {
		const badge = trapBadge([current('a.py', '2026-11-26T08:40:00.000Z'), current('b.py', '2026-11-27T09:00:00.000Z')]);
		expect(badge).toMatchObject({ state: 'verified', label: 'Verified', date: '2026-11-27' });
		expect(badge.detail).toBe('All 2 programs behaved as the page claims; last run 2026-11-27 09:00 UTC.');
	});

	it('says failed when any current record disagrees, even if others are missing', () => {
		const badge = trapBadge([current('a.py'), current('b.py', undefined, false), missing('c.py')]);
		expect(badge).toMatchObject({ state: 'failed', label: 'Failed verification' });
		expect(badge.detail).toContain('1 of 3 programs did not behave as the page claims in the last run (b.py)');
	});

	it('says not verified in this build when a record is missing or stale, and shows no date', () => {
		const badge = trapBadge([current('a.py'), stale('b.py'), missing('c.py')]);
		expect(badge).toMatchObject({ state: 'unverified', label: 'Not verified in this build', date: null });
		expect(badge.detail).toBe('2 of 3 programs have no current verification record (b.py, c.py).');
		expect(trapBadge([missing('only.py')]).detail).toBe('The program has no current verification record (only.py).');
	});
});

describe('a program badge', () => {
	it('carries the verdict, runtime and version, and date of a current record', () => {
		expect(resultView({ state: 'current', record: record('a.py', '2026-11-26T08:40:12.000Z') }).badge).toEqual({
			label: 'Verified',
			verdict: 'deadlock',
			runtime: 'CPython 3.11.7',
			ranAt: '2026-11-26 08:40 UTC',
		});
		expect(resultView({ state: 'current', record: record('a.py', '2026-11-26T08:40:12.000Z', false) }).badge.label).toBe('Failed');
	});

	it('shows nothing of an old or absent run', () => {
		for (const f of [stale('a.py').freshness, missing('a.py').freshness]) {
			expect(resultView(f).badge).toEqual({ label: 'Not verified in this build', verdict: null, runtime: null, ranAt: null });
		}
	});
});

describe('program links', () => {
	it('give the command to run it, the file below the base path, and an edit link as Starlight builds one', () => {
		expect(programLinks('snippets/t/failure.py', '/catalog/', 'https://example.org/r/edit/main')).toEqual({
			command: 'npm run check -- snippets/t/failure.py',
			fileHref: '/catalog/snippets/t/failure.py',
			editHref: 'https://example.org/r/edit/main/snippets/t/failure.py',
		});
		expect(programLinks('snippets/t/failure.py', '/', undefined).fileHref).toBe('/snippets/t/failure.py');
		expect(editUrl(undefined, 'content/traps/t.mdx')).toBeNull();
		expect(editUrl('https://example.org/r/edit/main/', 'content/traps/t.mdx')).toBe('https://example.org/r/edit/main/content/traps/t.mdx');
	});
});
