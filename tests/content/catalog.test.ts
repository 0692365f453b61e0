import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/catalog/check-trap.ts';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { ROOT } from '../support/paths.ts';

const catalog = loadCatalog(ROOT);

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		if (e.name === '__pycache__' || e.name.startsWith('.')) return [];
		const path = join(dir, e.name);
		return e.isDirectory() ? filesUnder(path) : [path];
	});
}

describe('the catalog', () => {
	it('has at least one trap page', () => {
		expect(catalog.pages.length).toBeGreaterThan(0);
	});

	it('has no problem: valid frontmatter, existing related traps and snippets, resolving references, required sections', () => {
		expect(catalog.problems.map(formatProblem)).toEqual([]);
	});

	it('has every file under snippets/ declared, and so shown, by its trap page', () => {
		const declared = new Set(catalog.pages.flatMap((p) => (p.data?.snippets ?? []).map((s) => `snippets/${p.id}/${s.file}`)));
		// A page whose frontmatter is invalid declares nothing we can read; its problem is reported above, once.
		const unreadable = new Set(catalog.pages.filter((p) => !p.data).map((p) => `snippets/${p.id}/`));
		const orphans = filesUnder(join(ROOT, 'snippets'))
			.map((f) => relative(ROOT, f))
			.filter((f) => !declared.has(f) && ![...unreadable].some((dir) => f.startsWith(dir)));
		expect(orphans).toEqual([]);
	});

	it('has every module imported by a program of its trap', () => {
		for (const page of catalog.pages) {
			const snippets = page.data?.snippets ?? [];
			const programs = snippets.filter((s) => s.role === 'program').map((s) => readFileSync(join(ROOT, 'snippets', page.id, s.file), 'utf8'));
			for (const mod of snippets.filter((s) => s.role === 'module')) {
				const stem = mod.file.replace(/\.\w+$/, '');
				const importedBy = programs.some((src) => new RegExp(`^(from|import) ${stem}\\b|from ['"]\\./${stem}(\\.\\w+)?['"]`, 'm').test(src));
				expect(importedBy, `${page.id}/${mod.file} is a module no program imports`).toBe(true);
			}
		}
	});
});

describe('a broken catalog', () => {
	const root = mkdtempSync(join(tmpdir(), 'trap-catalog-broken-'));
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	const page = (name: string, fm: string, body: string) => {
		mkdirSync(join(root, 'content/traps'), { recursive: true });
		writeFileSync(join(root, 'content/traps', `${name}.mdx`), `---\n${fm}\n---\n${body}`);
	};
	const base = (name: string, snippets: string) =>
		[
			`name: ${name}`,
			'title: T',
			'description: A sentence that tells a reader what goes wrong.',
			'version: 1.0.0',
			'category: trap',
			'languages: [python]',
			'severity: high',
			'symptoms: [hangs]',
			'related: [no-such-trap]',
			'snippets:',
			snippets,
		].join('\n');
	const sections = (snippet: string) =>
		`\n## Problem\n- **Symptom:** a\n- **Root cause:** b\n- **Common misconception:** c\n\n## Failure pattern\n${snippet}\n\n## Solution\n<Snippet file="a.py" />\n\n## Red flags\n<RedFlags>\n- x\n</RedFlags>\n\n## Checklist\n<Checklist>\n- y\n</Checklist>\n`;

	mkdirSync(join(root, 'snippets/broken'), { recursive: true });
	writeFileSync(join(root, 'snippets/broken/a.py'), '# region main\ndef main():\n    pass\n# endregion\n');
	writeFileSync(join(root, 'outside.py'), 'secret = 1\n');
	symlinkSync(join(root, 'outside.py'), join(root, 'snippets/broken/link.py'));
	page(
		'broken',
		base('broken', '  - file: a.py\n    expect: completed\n  - file: missing.py\n    expect: deadlock\n  - file: link.py\n    expect: completed'),
		sections('<Snippet file="a.py" region="nope" />\n<Snippet file="a.py" bad="no such text" />\n<Snippet file="undeclared.py" />\n\n```python\nprint("hand-written")\n```'),
	);
	page('other', base('wrong-name', '  - file: a.py\n    expect: completed'), '\n## Problem\n');

	const problems = loadCatalogSafely(root);

	it.each([
		['an unknown related trap', /^content\/traps\/broken\.mdx:10: related\[0\]: no trap named "no-such-trap"/],
		['a missing snippet file', /^content\/traps\/broken\.mdx:14: snippets\[1\]\.file: snippets\/broken\/missing\.py does not exist/],
		['a region that is not there', /^content\/traps\/broken\.mdx:\d+: <Snippet file="a\.py" region="nope">: snippets\/broken\/a\.py: no region "nope"; it has: main\./],
		['a marked text that is not there', /^content\/traps\/broken\.mdx:\d+: <Snippet file="a\.py">: .*no shown line contains "no such text"/],
		['a reference to an undeclared file', /^content\/traps\/broken\.mdx:\d+: <Snippet file="undeclared\.py">: "undeclared\.py" is not declared/],
		['a symlink that leaves snippets/', /link\.py resolves to .*outside snippets\//],
		['a name that is not the file name', /^content\/traps\/other\.mdx:2: name: "wrong-name" must equal the file name "other"/],
		['hand-written code', /^content\/traps\/broken\.mdx:\d+: code block: code on a trap page comes only from snippets\//],
	])('reports %s with file, line and field', (_, message) => {
		expect(problems.some((p) => message.test(p))).toBe(true);
	});
});

function loadCatalogSafely(root: string): string[] {
	try {
		return loadCatalog(root).problems.map(formatProblem);
	} catch (e) {
		return [(e as Error).message];
	}
}
