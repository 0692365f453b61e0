import { describe, expect, it } from 'vitest';
import { findSnippetReferences } from '../../src/catalog/snippet-refs.ts';

describe('findSnippetReferences', () => {
	it('reads string attributes and JSON arrays, with the line of each reference', () => {
		const body = [
			'Intro',
			'<Snippet file="failure.py" region="store" bad="await self.set_hash(" />',
			'',
			'<Snippet',
			"  file='solution.py'",
			'  good={["a", "b"]}',
			'/>',
		].join('\n');
		const { references, problems } = findSnippetReferences(body, 10);
		expect(problems).toEqual([]);
		expect(references).toEqual([
			{ line: 11, file: 'failure.py', region: 'store', bad: ['await self.set_hash('], good: [], title: undefined },
			{ line: 13, file: 'solution.py', region: undefined, bad: [], good: ['a', 'b'], title: undefined },
		]);
	});

	it('ignores examples inside code fences', () => {
		const body = '```mdx\n<Snippet file="x.py" />\n```\n';
		expect(findSnippetReferences(body, 1).references).toEqual([]);
	});

	it.each([
		['an unknown attribute', '<Snippet file="a.py" regoin="x" />', /unknown attribute "regoin"/],
		['a missing file', '<Snippet region="x" />', /"file" attribute is required/],
		['an expression for file', '<Snippet file={name} />', /"file" must be a string literal, not \{name\}/],
		['an unclosed tag', '<Snippet file="a.py"', /never closed/],
	])('reports %s with its line', (_, body, message) => {
		const { problems } = findSnippetReferences(`\n${body}`, 5);
		expect(problems).toEqual([{ line: 6, message: expect.stringMatching(message) }]);
	});
});
