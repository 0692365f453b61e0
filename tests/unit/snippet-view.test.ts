import { describe, expect, it } from 'vitest';
import { snippetView, wholeFileView } from '../../src/components/utils/snippet-view.ts';

const SOURCE = [
	'import asyncio', // 1
	'', // 2
	'# region store', // 3
	'class Store:', // 4
	'    async def rebuild(self):', // 5
	'        async with self._lock:', // 6
	'            await self.set_hash()', // 7
	'# endregion store', // 8
	'', // 9
	'async def main():', // 10
	'    pass', // 11
	'',
].join('\n');

const input = { trap: 'my-trap', file: 'failure.py', source: SOURCE, base: '/' };

describe('snippetView', () => {
	it('shows a region with its real line numbers, marks and a link to the whole file at its first line', () => {
		const view = snippetView({ ...input, region: 'store', bad: 'await self.set_hash()', good: ['async with'] });
		expect(view.lines.map((l) => l.number)).toEqual([4, 5, 6, 7]);
		expect(view.code).toBe(SOURCE.split('\n').slice(3, 7).join('\n'));
		expect([...view.marks]).toEqual([[7, 'bad'], [6, 'good']]);
		expect(view.span).toBe('lines 4–7 of 11');
		expect(view.legend).toEqual({ bad: 'Marked ✗: the line that shows the bug (line 7).', good: 'Marked ✓: the line that fixes it (line 6).' });
		expect(view.whole).toEqual({ href: '/traps/my-trap/files/failure.py/#L4', label: 'Whole file: failure.py, 11 lines' });
		expect(view.copyLabel).toBe('Copy the store region of failure.py');
		expect(view.deferred).toBeNull();
	});

	it('builds every link below the base path', () => {
		const view = snippetView({ ...input, region: 'store', base: '/catalog/' });
		expect(view.rawHref).toBe('/catalog/snippets/my-trap/failure.py');
		expect(view.whole!.href).toBe('/catalog/traps/my-trap/files/failure.py/#L4');
		expect(snippetView({ ...input, base: '/catalog' }).rawHref).toBe('/catalog/snippets/my-trap/failure.py');
	});

	it('shows a whole program inline, and defers a module shown whole to its own page', () => {
		const program = snippetView({ ...input, role: 'program' });
		expect(program.span).toBe('11 lines');
		expect(program.whole).toBeNull();
		expect(program.deferred).toBeNull();
		const module = snippetView({ ...input, file: 'workload.py', role: 'module' });
		expect(module.deferred).toEqual({ src: '/traps/my-trap/files/workload.py/', label: 'Show the code: workload.py, 11 lines' });
	});

	it('says which lines, plural, when several are marked', () => {
		const view = snippetView({ ...input, region: 'store', bad: ['async def rebuild', 'await self.set_hash()'] });
		expect(view.legend.bad).toBe('Marked ✗: the lines that show the bug (lines 5, 7).');
	});

	it('names the snippet when a marked text is not on a shown line', () => {
		expect(() => snippetView({ ...input, region: 'store', bad: 'async def main' })).toThrow(/snippets\/my-trap\/failure.py: no shown line contains "async def main"/);
	});
});

describe('wholeFileView', () => {
	it('shows every line but the markers, with the marks of every reference to the file', () => {
		const view = wholeFileView({
			...input,
			references: [
				{ line: 10, file: 'failure.py', region: 'store', bad: ['await self.set_hash()'], good: [] },
				{ line: 20, file: 'failure.py', bad: [], good: ['async def main'] },
				{ line: 30, file: 'other.py', bad: ['x'], good: [] },
			],
		});
		expect(view.lines.map((l) => l.number)).toEqual([1, 2, 4, 5, 6, 7, 9, 10, 11]);
		expect([...view.marks]).toEqual([[7, 'bad'], [10, 'good']]);
		expect(view.trapHref).toBe('/traps/my-trap/');
		expect(view.rawHref).toBe('/snippets/my-trap/failure.py');
	});
});
