import { describe, expect, it } from 'vitest';
import { formatFieldPath, locateField, splitFrontmatter } from '../../src/catalog/frontmatter.ts';
import { formatProblem, parseTrapPage } from '../../src/catalog/check-trap.ts';

const yaml = `name: x
title: "X"
tags: [a, b]
references:
  - title: A
    url: https://a.org
  - title: B
    url: not-a-url
snippets:
  - file: failure.py
    expect: deadlock

  - file: solution.py
    # a comment
    expect: hangs`;

describe('locateField', () => {
	it.each([
		[['name'], 1],
		[['tags'], 3],
		[['tags', 1], 3],
		[['references', 1], 7],
		[['references', 1, 'url'], 8],
		[['snippets', 0, 'file'], 10],
		[['snippets', 1, 'expect'], 15],
		[['snippets', 1], 13],
		[['missing'], 0],
		[['snippets', 1, 'missing'], 13],
	] as const)('finds %j on line %i', (path, line) => {
		expect(locateField(yaml, path)).toBe(line);
	});
});

describe('splitFrontmatter', () => {
	it('keeps line numbers of the body', () => {
		const s = splitFrontmatter('---\na: 1\n---\n\n## Problem\n', 'p.mdx');
		expect(s).toMatchObject({ yaml: 'a: 1', yamlStartLine: 2, bodyStartLine: 4 });
	});
	it('refuses a file without frontmatter, naming it', () => {
		expect(() => splitFrontmatter('# hi\n', 'content/traps/x.mdx')).toThrow(/^content\/traps\/x\.mdx:1: missing frontmatter/);
	});
	it('refuses unterminated frontmatter', () => {
		expect(() => splitFrontmatter('---\na: 1\n', 'x.mdx')).toThrow(/unterminated/);
	});
});

describe('formatFieldPath', () => {
	it('writes paths the way authors read them', () => {
		expect(formatFieldPath(['snippets', 1, 'expect'])).toBe('snippets[1].expect');
		expect(formatFieldPath([])).toBe('(frontmatter)');
	});
});

describe('parseTrapPage errors', () => {
	const page = (fm: string) => parseTrapPage('content/traps/t.mdx', `---\n${fm}\n---\n\nbody\n`);

	it('names file, line and field of a schema violation', () => {
		const p = page(
			[
				'name: t',
				'title: T',
				'description: A sentence that tells a reader what goes wrong.',
				'version: 1.0.0',
				'category: trap',
				'languages: [python]',
				'severity: high',
				'symptoms: [hangs]',
				'snippets:',
				'  - file: a.py',
				'    expect: hangs',
			].join('\n'),
		);
		expect(p.data).toBeUndefined();
		expect(p.problems.map(formatProblem)).toEqual([expect.stringMatching(/^content\/traps\/t\.mdx:12: snippets\[0\].expect: Invalid option/)]);
	});

	it('reports invalid YAML with its line', () => {
		const p = page('name: t\ntitle: [unclosed');
		expect(formatProblem(p.problems[0])).toMatch(/^content\/traps\/t\.mdx:\d+: frontmatter: invalid YAML/);
	});

	it('requires name to equal the file name', () => {
		const p = page(
			'name: other\ntitle: T\ndescription: A sentence that tells a reader what goes wrong.\nversion: 1.0.0\ncategory: trap\nlanguages: [python]\nseverity: high\nsymptoms: [hangs]\nsnippets:\n  - file: a.py\n    expect: completed',
		);
		expect(formatProblem(p.problems[0])).toBe(
			'content/traps/t.mdx:2: name: "other" must equal the file name "t" (it is the page\'s URL id).',
		);
	});

	it('points a missing required field at the frontmatter fence', () => {
		const p = page('name: t');
		const title = p.problems.find((x) => x.field === 'title');
		expect(title?.line).toBe(1);
	});
});
