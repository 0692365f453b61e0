import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnippetDeclaration } from '../../src/catalog/schema.ts';
import { readRecord } from '../../src/verify/results.ts';
import { verifyTrap } from '../../src/verify/verify-trap.ts';

// A small trap of its own in a temporary project: programs that raise at once, so each run is cheap.
const root = mkdtempSync(join(tmpdir(), 'trap-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string) => writeFileSync(join(root, 'snippets/t', file), text);
mkdirSync(join(root, 'snippets/t'), { recursive: true });
write('shared.py', 'def fail():\n    raise RuntimeError("as claimed")\n');
write('uses_shared.py', 'from shared import fail\n\ndef main():\n    fail()\n');
write('alone.py', 'def main():\n    raise ValueError("as claimed")\n');
const declarations: SnippetDeclaration[] = [
	{ file: 'uses_shared.py', role: 'program', expect: 'raised', timeoutMs: 5000 },
	{ file: 'alone.py', role: 'program', expect: 'raised', timeoutMs: 5000 },
	{ file: 'shared.py', role: 'module', timeoutMs: 5000 },
];
const trap = { name: 't', snippets: declarations };
const ran = async (options: { force?: boolean } = {}, snippets = declarations) =>
	Object.fromEntries((await verifyTrap(root, { ...trap, snippets }, options)).map((v) => [v.file, v.cached ? 'cached' : v.ranBecause.join(', ')]));

describe('the verification cache', () => {
	it('runs each program once, then reuses its record while nothing it depends on changed', async () => {
		expect(await ran()).toEqual({ 'uses_shared.py': 'not verified yet', 'alone.py': 'not verified yet' });
		const first = readRecord(root, 't', 'alone.py');
		expect(await ran()).toEqual({ 'uses_shared.py': 'cached', 'alone.py': 'cached' });
		expect(readRecord(root, 't', 'alone.py')).toEqual(first);
	});

	it('re-runs only the programs that import a changed module, or whose declaration changed', async () => {
		write('shared.py', 'def fail():\n    raise RuntimeError("as claimed, reworded")\n');
		expect(await ran()).toEqual({ 'uses_shared.py': 'shared.py changed', 'alone.py': 'cached' });
		const longer = declarations.map((d) => (d.file === 'alone.py' ? { ...d, timeoutMs: 6000 } : d));
		expect(await ran({}, longer)).toEqual({ 'uses_shared.py': 'cached', 'alone.py': 'declaration changed' });
	});

	it('re-runs everything when forced, and never keeps a record that disagrees with its page', async () => {
		expect(await ran({ force: true })).toEqual({ 'uses_shared.py': 'forced', 'alone.py': 'forced' });
		write('alone.py', 'def main():\n    return None\n');
		const [v] = await verifyTrap(root, { ...trap, snippets: [declarations[1]] });
		expect(v).toMatchObject({ status: 'failed', cached: false, ranBecause: ['program changed'] });
		expect(v.problems).toEqual(['ended in completed, but the page claims raised']);
		const [again] = await verifyTrap(root, { ...trap, snippets: [declarations[1]] });
		expect(again).toMatchObject({ status: 'failed', cached: false, ranBecause: ['the last run disagreed with the page'] });
	});
});
