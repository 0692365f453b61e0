import { describe, expect, it } from 'vitest';
import { extractRegion } from '../../src/catalog/regions.ts';
import { highlightFile, renderCode } from '../../src/components/utils/highlight.ts';
import { decode } from '../support/html.ts';

const SOURCE = ['x = """a', '# region r', 'still in the string', '"""', '# endregion r', 'def f(): pass'].join('\n');
const lines = (region?: string) => extractRegion(SOURCE, 'f.py', region);
const shownText = (html: string) => [...html.matchAll(/<span class="line[^"]*"[^>]*>(.*?)<\/span>(?=\n|<\/code>)/g)].map((m) => decode(m[1].replace(/<[^>]+>/g, '')));

describe('highlightFile and renderCode', () => {
	it('shows a region with its real line numbers, highlighted in the context of its file', async () => {
		const highlighted = await highlightFile('snippets/t/f.py', lines(), 'python');
		const html = renderCode({ lang: 'python', lines: lines('r'), highlighted, marks: new Map([[3, 'bad']]) });
		expect(shownText(html)).toEqual(['still in the string', '"""']);
		expect([...html.matchAll(/data-line="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([3, 4]);
		// Line 3 is inside the file's string: a region highlighted on its own would not know that.
		expect(html).toMatch(/<span class="line mark-bad" data-line="3" data-mark="bad"><span class="c-string[^"]*">still in the string<\/span><\/span>/);
		expect(html).not.toMatch(/style=/);
	});

	it('gives each line an anchor when asked, and refuses a line it did not highlight', async () => {
		const highlighted = await highlightFile('snippets/t/f.py', lines(), 'python');
		const html = renderCode({ lang: 'python', lines: lines(), highlighted, marks: new Map(), anchor: (n) => `L${n}` });
		expect([...html.matchAll(/id="(L\d+)"/g)].map((m) => m[1])).toEqual(['L1', 'L3', 'L4', 'L6']);
		expect(() => renderCode({ lang: 'python', lines: [{ number: 99, text: 'x' }], highlighted, marks: new Map() })).toThrow(/line 99/);
	});

	it('highlights a changed file again', async () => {
		const before = await highlightFile('snippets/t/g.py', [{ number: 1, text: 'a = 1' }], 'python');
		const after = await highlightFile('snippets/t/g.py', [{ number: 1, text: 'b = 2' }], 'python');
		expect(decode(after.get(1)!.replace(/<[^>]+>/g, ''))).toBe('b = 2');
		expect(before).not.toBe(after);
	});
});
