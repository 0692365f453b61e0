import { describe, expect, it } from 'vitest';
import { resolveSnippetPath } from '../../src/catalog/snippet-path.ts';

describe('resolveSnippetPath', () => {
	it('resolves inside snippets/<trap>/', () => {
		expect(resolveSnippetPath('/root', 't', 'sub/a.py')).toBe('/root/snippets/t/sub/a.py');
	});
	it.each(['../other/a.py', '/etc/passwd', 'a/../../b.py', '.'])('refuses %s', (file) => {
		expect(() => resolveSnippetPath('/root', 't', file)).toThrow(/leaves snippets\/t\//);
	});
});
