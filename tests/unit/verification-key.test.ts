import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedInputs, harnessHash, keyOf, verificationInputs } from '../../src/verify/verification-key.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A project folder with the given files. */
function project(files: Record<string, string>): string {
	const root = mkdtempSync(join(tmpdir(), 'trap-key-'));
	roots.push(root);
	for (const [file, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, file)), { recursive: true });
		writeFileSync(join(root, file), text);
	}
	return root;
}

const trap = {
	'snippets/t/failure.py': 'from workload import run\n',
	'snippets/t/solution.py': 'import asyncio\n',
	'snippets/t/workload.py': 'from aiodb import Conn\n',
	'snippets/t/aiodb.py': 'import sqlite3\n',
	'src/verify/python/harness.py': 'print()\n',
	'src/verify/verify-trap.ts': "import { x } from './claim.ts';\n",
	'src/verify/claim.ts': '',
};
const failure = { file: 'failure.py', role: 'program', expect: 'deadlock', timeoutMs: 5000, summary: 'It waits for itself.' };
const keyAt = (root: string, declaration: Record<string, unknown> = failure) => keyOf(verificationInputs(root, 't', declaration as typeof failure));

describe('the verification key of a program', () => {
	it('covers the program and every local module it imports, transitively, and nothing else', () => {
		const inputs = verificationInputs(project(trap), 't', failure);
		expect(Object.keys(inputs.sources)).toEqual(['failure.py', 'aiodb.py', 'workload.py']);
		const base = keyAt(project(trap));
		expect(keyAt(project({ ...trap, 'snippets/t/aiodb.py': 'import sqlite3  # changed\n' }))).not.toBe(base);
		expect(keyAt(project({ ...trap, 'snippets/t/failure.py': 'from workload import run  # changed\n' }))).not.toBe(base);
		expect(keyAt(project({ ...trap, 'snippets/t/solution.py': 'import asyncio  # not imported by failure.py\n' }))).toBe(base);
	});

	it('changes with the declaration fields that change a run, not with the summary shown on the page', () => {
		const root = project(trap);
		const base = keyAt(root);
		expect(keyAt(root, { ...failure, expect: 'timeout' })).not.toBe(base);
		expect(keyAt(root, { ...failure, timeoutMs: 2000 })).not.toBe(base);
		expect(keyAt(root, { ...failure, summary: 'Reworded.' })).toBe(base);
	});

	it('changes with the harness and the engine files that run and judge a program', () => {
		expect(harnessHash(project({ ...trap, 'src/verify/python/harness.py': 'print(1)\n' }), 'python')).not.toBe(harnessHash(project(trap), 'python'));
		expect(harnessHash(project({ ...trap, 'src/verify/claim.ts': '// judged differently\n' }), 'python')).not.toBe(harnessHash(project(trap), 'python'));
		expect(harnessHash(project({ ...trap, 'src/verify/report.ts': '// words only\n' }), 'python')).toBe(harnessHash(project(trap), 'python'));
	});

	it('changes with the runtime, and says what changed', () => {
		const inputs = verificationInputs(project(trap), 't', failure);
		expect(inputs.runtime).toMatch(/^CPython 3\.\d+/);
		const other = { ...inputs, runtime: 'CPython 3.99.0' };
		expect(keyOf(other)).not.toBe(keyOf(inputs));
		expect(changedInputs(inputs, { ...other, sources: { ...inputs.sources, 'workload.py': 'x' } }, 'failure.py')).toEqual([
			'workload.py changed',
			`runtime changed (${inputs.runtime} → CPython 3.99.0)`,
		]);
		expect(keyOf({ ...inputs, sources: Object.fromEntries(Object.entries(inputs.sources).reverse()) })).toBe(keyOf(inputs));
	});

	it('refuses a program that does not exist, naming it', () => {
		expect(() => verificationInputs(project(trap), 't', { ...failure, file: 'gone.py' })).toThrow('snippets/t/gone.py does not exist');
	});
});
