import { describe, expect, it } from 'vitest';
import { trapCard, type CardInput } from '../../src/catalog/card.ts';
import { catalogJson, catalogJsonSchema, catalogJsonSchemaDocument, type ExportTrap } from '../../src/catalog/catalog-json.ts';
import { parseTrapPage } from '../../src/catalog/check-trap.ts';
import { demoteHeadings, llmsFullTxt, llmsTxt, stripFrontmatter } from '../../src/catalog/llms-txt.ts';
import { observedRun } from '../../src/catalog/observed.ts';
import { siteUrls } from '../../src/catalog/urls.ts';
import { verdictLine } from '../../src/verify/report.ts';
import type { SnippetRecord } from '../../src/verify/results.ts';
import type { RunResult } from '../../src/verify/run-snippet.ts';

const run = (over: Partial<RunResult> = {}): RunResult => ({
	file: 'snippets/t/failure.py',
	language: 'python',
	outcome: 'deadlock',
	detectedBy: 'cycle',
	elapsedMs: 6.4,
	timeoutMs: 5000,
	detect: true,
	runtime: { name: 'CPython', version: '3.11.7' },
	witness: {
		reason: 'wait-cycle',
		cycle: ['task:a', 'lock:1', 'task:a'],
		tasks: [{ id: 'task:a', kind: 'task', name: 'a', state: 'waiting', chain: [{ function: 'a', file: 'failure.py', line: 6 }] }],
		resources: [{ id: 'lock:1', kind: 'lock', name: 'Store._lock', type: 'asyncio.Lock', holders: [{ agent: 'task:a', acquiredAt: [{ function: 'a', file: 'failure.py', line: 5 }] }], waiters: ['task:a'] }],
		edges: [{ relation: 'waits', from: 'task:a', to: 'lock:1', op: 'acquire' }],
	},
	error: null,
	returned: null,
	stdout: '',
	stderr: '',
	truncated: { stdout: false, stderr: false },
	killedByRunner: false,
	strays: 0,
	...over,
});
const record = (over: Partial<SnippetRecord> = {}): SnippetRecord => ({
	snippet: 'snippets/t/failure.py',
	trap: 't',
	file: 'failure.py',
	expect: 'deadlock',
	sourceHash: 'abc',
	ranAt: '2026-11-26T08:40:12.000Z',
	run: run(),
	contract: run({ outcome: 'timeout', detectedBy: 'timeout', detect: false }),
	matches: true,
	...over,
});

const PAGE = `---
name: t
title: T trap
description: A sentence that tells a reader what goes wrong.
version: 1.2.0
category: trap
languages: [python]
severity: high
symptoms: [hangs]
related: [other]
references:
  - title: Docs
    url: https://docs.example/x
snippets:
  - file: failure.py
    expect: deadlock
    summary: It waits for itself.
  - file: lib.py
    role: module
---

## Problem

- **Symptom:** it hangs.

## Failure pattern

<Snippet file="failure.py" region="core" bad={["b()", "a()"]} />

## Red flags

<RedFlags>

- a flag

</RedFlags>

Again, the core:

<Snippet
  file="failure.py" region="core" />

<Snippet file="lib.py" />
`;
const FAILURE = 'import lib\n\n\n# region core\ndef f():\n    a()\n    b()\n# endregion core\n\n\ndef main():\n    f()\n';

function input(over: Partial<CardInput> = {}): CardInput {
	const page = parseTrapPage('content/traps/t.mdx', PAGE);
	return {
		page: page as CardInput['page'],
		snippets: new Map([['failure.py', FAILURE], ['lib.py', 'X = 1\n']]),
		observed: new Map([['failure.py', observedRun({ state: 'current', record: record() })]]),
		pageUrl: 'https://kb.example/traps/t/',
		snippetUrl: (f) => `https://kb.example/snippets/t/${f}`,
		trap: (name) => (name === 'other' ? { title: 'Other', description: 'The other one.', url: 'https://kb.example/traps/other/' } : undefined),
		...over,
	};
}

describe('trapCard', () => {
	const card = trapCard(input());

	it('is in the seed format: frontmatter name, description, version, category, then the title', () => {
		expect(card.startsWith('---\nname: t\ndescription: A sentence that tells a reader what goes wrong.\nversion: 1.2.0\ncategory: trap\n---\n\n# T trap\n')).toBe(true);
	});

	it('keeps the sections in order and drops the component wrappers', () => {
		expect(card.match(/^## .*/gm)).toEqual(['## Problem', '## Failure pattern', '## Red flags', '## Related traps', '## References']);
		expect(card).not.toMatch(/<\/?(RedFlags|Checklist|Snippet)/);
		expect(card).toContain('- a flag');
		expect(card).toContain('- [Other](https://kb.example/traps/other/): The other one.');
		expect(card).toContain('- [Docs](https://docs.example/x)');
	});

	it('shows a program whole, byte for byte, the first time; an excerpt after that', () => {
		expect(card).toContain('```python\n' + FAILURE.replace(/\n$/, '') + '\n```');
		expect(card).toContain('From `failure.py`, lines 5–7:\n\n```python\ndef f():\n    a()\n    b()\n```');
		expect(card).toContain('```python\nX = 1\n```');
	});

	it('says what each program is claimed to do and marks the lines in file order, whatever the order given', () => {
		expect(card).toContain("**`failure.py`**: a program; the page claims it ends in `deadlock` (it does not finish within 5 s). [Download](https://kb.example/snippets/t/failure.py). It waits for itself.");
		expect(card.indexOf('The bug is on line 6: `a()`')).toBeLessThan(card.indexOf('The bug is on line 7: `b()`'));
		expect(card).toContain('**`lib.py`**: a module the programs import.');
	});

	it('notes the observed verdict in verdictLine\'s words, with the date, and the witness summary', () => {
		expect(card).toContain(`Observed: ${verdictLine(run())}, 2026-11-26 08:40 UTC.`);
		expect(card).toContain('Witness: Task `a` waits for Lock `Store._lock`, which it already holds (acquired in `a` at failure.py:5)');
	});

	it('says plainly when a program was not verified, and never shows a stale result', () => {
		const stale = trapCard(input({ observed: new Map([['failure.py', observedRun({ state: 'stale', record: record() })]]) }));
		expect(stale).toContain('Observed: not verified in this build: the program or a module it imports changed after the last run.');
		expect(stale).not.toContain('proven by');
	});
});

describe('catalog.json', () => {
	const urls = siteUrls('https://intranet.example', '/kb/traps/');
	const page = parseTrapPage('content/traps/t.mdx', PAGE);
	const trap = (observed: ExportTrap['observed']): ExportTrap => ({
		data: page.data!,
		url: urls.absolute('traps/t/'),
		cardUrl: urls.absolute('traps/t/card.md'),
		markdownUrl: urls.absolute('traps/t/index.html.md'),
		snippetUrl: (f) => urls.absolute(`snippets/t/${f}`),
		observed,
	});
	const meta = { title: 'Trap Catalog', url: urls.absolute(''), schemaUrl: urls.absolute('catalog.schema.json'), lastVerifiedAt: null };

	it('lists every snippet with path, language, role, expectation and its last verdict; a missing potentialDeadlocks reads as none', () => {
		const doc = catalogJson([trap(new Map([['failure.py', observedRun({ state: 'current', record: record() })]]))], meta);
		const [failure, lib] = doc.traps[0].snippets;
		expect(failure).toMatchObject({
			path: 'snippets/t/failure.py',
			url: 'https://intranet.example/kb/traps/snippets/t/failure.py',
			language: 'python',
			role: 'program',
			expectation: 'deadlock',
			lastRun: {
				state: 'current',
				outcome: 'deadlock',
				detector: 'cycle',
				runtime: { name: 'CPython', version: '3.11.7' },
				ranAt: '2026-11-26T08:40:12.000Z',
				witnessSummary: 'Task `a` waits for Lock `Store._lock`, which it already holds (acquired in `a` at failure.py:5)',
				potentialDeadlocks: [],
			},
		});
		expect(lib).toMatchObject({ role: 'module', expectation: null, lastRun: null });
	});

	it('carries the potential deadlocks the engine reports', () => {
		const pd = [{ locks: ['A', 'B'], orders: [{ task: 'main', holding: { lock: 'A', at: 'failure.py:3' }, took: { lock: 'B', at: 'failure.py:4' } }] }];
		const r = record({ run: { ...run(), potentialDeadlocks: pd } as RunResult });
		const doc = catalogJson([trap(new Map([['failure.py', observedRun({ state: 'current', record: r })]]))], meta);
		expect(doc.traps[0].snippets[0].lastRun!.potentialDeadlocks).toEqual(pd);
	});

	it('is refused by its own schema when a field is wrong', () => {
		const doc = catalogJson([trap(new Map())], meta);
		expect(catalogJsonSchema.safeParse(doc).success).toBe(true);
		expect(catalogJsonSchema.safeParse({ ...doc, traps: [{ ...doc.traps[0], severity: 'apocalyptic' }] }).success).toBe(false);
	});

	it('publishes a JSON Schema generated from the same zod schema', () => {
		const schema = catalogJsonSchemaDocument('https://intranet.example/kb/traps/catalog.schema.json') as { $id: string; $schema: string; required: string[] };
		expect(schema.$id).toBe('https://intranet.example/kb/traps/catalog.schema.json');
		expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
		expect(schema.required).toEqual(expect.arrayContaining(['format', 'traps']));
	});
});

describe('llms.txt', () => {
	const text = llmsTxt({
		title: 'Trap Catalog',
		summary: 'Traps,\nproven.',
		sections: [
			{ heading: 'Optional', links: [{ name: 'llms-full.txt', url: 'https://x/llms-full.txt' }] },
			{ heading: 'Traps', links: [{ name: 'T', url: 'https://x/traps/t/card.md', notes: 'what goes wrong' }] },
		],
	});

	it('has an H1, a one-line > summary, H2 link lists, and Optional last', () => {
		expect(text).toBe('# Trap Catalog\n\n> Traps, proven.\n\n## Traps\n\n- [T](https://x/traps/t/card.md): what goes wrong\n\n## Optional\n\n- [llms-full.txt](https://x/llms-full.txt)\n');
	});

	it('nests whole documents in llms-full.txt without touching their code', () => {
		const doc = '---\nname: t\n---\n\n# T\n\n## Problem\n\n```python\n# not a heading\n```\n';
		expect(stripFrontmatter(doc)).toBe('# T\n\n## Problem\n\n```python\n# not a heading\n```\n');
		expect(demoteHeadings('# T\n```\n# kept\n```\n## S')).toBe('## T\n```\n# kept\n```\n### S');
		expect(llmsFullTxt({ title: 'C', summary: 's' }, [doc])).toBe('# C\n\n> s\n\n## T\n\n### Problem\n\n```python\n# not a heading\n```\n');
	});
});

describe('siteUrls', () => {
	it('puts everything below the base path, whatever its slashes', () => {
		for (const base of ['/kb/traps/', '/kb/traps', 'kb/traps']) {
			const u = siteUrls('https://intranet.example/kb/traps/', base);
			expect(u.path('traps/t/card.md')).toBe('/kb/traps/traps/t/card.md');
			expect(u.absolute('llms.txt')).toBe('https://intranet.example/kb/traps/llms.txt');
		}
		expect(siteUrls(undefined, '/').path('catalog.json')).toBe('/catalog.json');
	});
});
