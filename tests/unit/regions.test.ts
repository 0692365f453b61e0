import { describe, expect, it } from 'vitest';
import { extractRegion, findMarkedLines, listRegions } from '../../src/catalog/regions.ts';

const py = `import asyncio

# region store
class Store:
    # region inner
    lock = 1
    # endregion inner
    x = 2
# endregion store


def main():
    pass
`;

describe('extractRegion', () => {
	it('returns the whole file without marker lines, with real line numbers', () => {
		const lines = extractRegion(py, 'a.py');
		expect(lines.map((l) => l.number)).toEqual([1, 2, 4, 6, 8, 10, 11, 12, 13]);
		expect(lines.some((l) => l.text.includes('region'))).toBe(false);
	});

	it('returns one region, nested markers left out', () => {
		expect(extractRegion(py, 'a.py', 'store')).toEqual([
			{ number: 4, text: 'class Store:' },
			{ number: 6, text: '    lock = 1' },
			{ number: 8, text: '    x = 2' },
		]);
		expect(extractRegion(py, 'a.py', 'inner')).toEqual([{ number: 6, text: '    lock = 1' }]);
	});

	it('understands TypeScript markers', () => {
		const ts = 'const a = 1;\n// #region main\nmain();\n// #endregion main\n';
		expect(extractRegion(ts, 'a.ts', 'main')).toEqual([{ number: 3, text: 'main();' }]);
	});

	it('names the file and the regions it has when a region is missing', () => {
		expect(() => extractRegion(py, 'snippets/t/a.py', 'nope')).toThrow('snippets/t/a.py: no region "nope"; it has: inner, store.');
		expect(() => extractRegion('x = 1\n', 'b.py', 'nope')).toThrow(/it has no regions/);
	});

	it.each([
		['an unclosed region', '# region a\nx\n', /a\.py:1: region "a" is never closed/],
		['a stray endregion', 'x\n# endregion\n', /a\.py:2: "endregion" without/],
		['crossed regions', '# region a\n# region b\n# endregion a\n# endregion b\n', /a\.py:3: "endregion a" closes region "b"/],
		['a duplicate name', '# region a\n# endregion\n# region a\n# endregion\n', /a\.py:3: region "a" is defined twice/],
		['a nameless region', '# region\n# endregion\n', /a\.py:1: a region marker needs a name/],
	])('refuses %s with its line', (_, src, message) => {
		expect(() => listRegions(src, 'a.py')).toThrow(message);
	});

	it('does not take prose comments for markers', () => {
		expect(listRegions('# region of interest is here\n', 'a.py').size).toBe(0);
	});
});

describe('findMarkedLines', () => {
	const lines = extractRegion(py, 'a.py', 'store');
	it('finds the real line of a unique text', () => {
		expect(findMarkedLines(lines, ['x = 2'], 'a.py')).toEqual([8]);
	});
	it('refuses a text that is on no shown line', () => {
		expect(() => findMarkedLines(lines, ['def main'], 'a.py')).toThrow(/no shown line contains "def main"/);
	});
	it('refuses an ambiguous text', () => {
		expect(() => findMarkedLines(lines, [' = '], 'a.py')).toThrow(/is on 2 shown lines \(6, 8\)/);
	});
});
