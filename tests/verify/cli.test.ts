import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.ts';

const FIXTURES = 'tests/fixtures/verify/python';
const TS_FIXTURES = 'tests/fixtures/verify/typescript';

/** Runs `npm run check -- <args>` from `cwd` and returns its exit status and output. */
async function check(args: string[], cwd = ROOT): Promise<{ status: number; stdout: string; stderr: string }> {
	try {
		const r = await promisify(execFile)('npm', ['run', '--silent', 'check', '--', ...args], { cwd, env: { ...process.env, INIT_CWD: cwd } });
		return { status: 0, stdout: r.stdout, stderr: r.stderr };
	} catch (e) {
		const err = e as { code: number; stdout: string; stderr: string };
		return { status: err.code, stdout: err.stdout, stderr: err.stderr };
	}
}

describe.concurrent('npm run check', () => {
	it('prints one JSON object with the verdict, detector, elapsed time, runtime and witness', async () => {
		const { status, stdout } = await check([`${FIXTURES}/asyncio_self_deadlock.py`, '--json']);
		expect(status).toBe(0);
		const r = JSON.parse(stdout);
		expect(r).toMatchObject({ outcome: 'deadlock', detectedBy: 'cycle', runtime: { name: 'CPython' } });
		expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
		expect(r.elapsedMs).toBeLessThan(r.timeoutMs);
		const edge = r.witness.edges.find((e: { relation: string }) => e.relation === 'waits');
		const waiter = r.witness.tasks.find((t: { id: string }) => t.id === edge.from);
		expect(waiter).toMatchObject({ name: 'upserter', kind: 'task' });
		expect(waiter.chain.map((f: { function: string }) => f.function)).toEqual(expect.arrayContaining(['Cache.upsert', 'Cache.get']));
		const lock = r.witness.resources.find((l: { id: string }) => l.id === edge.to);
		expect(lock).toMatchObject({ name: 'Cache._lock', kind: 'lock', holders: [{ agent: waiter.id }] });
		expect(lock.holders[0].acquiredAt.at(-1)).toMatchObject({ function: 'Cache.upsert', file: 'asyncio_self_deadlock.py', line: 15 });
		expect(r.potentialDeadlocks).toEqual([]);
		expect(r.witness.cycle).toEqual([waiter.id, lock.id, waiter.id]);
	});

	it('prints the verdict and the witness for a reader', async () => {
		const { status, stdout } = await check([`${FIXTURES}/asyncio_self_deadlock.py`]);
		expect(status).toBe(0);
		expect(stdout).toMatch(/asyncio_self_deadlock\.py: deadlock, proven by a cycle in the wait-for graph \d+ ms after main\(\) started \(CPython 3\.\d+\.\d+\)/);
		expect(stdout).toContain('Task `upserter` waits for Lock `Cache._lock`, which it already holds (acquired in `Cache.upsert` at asyncio_self_deadlock.py:15)');
	});

	it('runs TypeScript files too', async () => {
		const { status, stdout } = await check([`${TS_FIXTURES}/nested-run-exclusive.ts`, '--json']);
		expect(status).toBe(0);
		expect(JSON.parse(stdout)).toMatchObject({ outcome: 'deadlock', runtime: { name: 'Node.js' } });
	});

	it('with --no-detect only times out, after the timeout given', async () => {
		const { status, stdout } = await check([`${FIXTURES}/asyncio_self_deadlock.py`, '--no-detect', '--timeout', '400', '--json']);
		expect(status).toBe(0);
		const r = JSON.parse(stdout);
		expect(r).toMatchObject({ outcome: 'timeout', detectedBy: 'timeout', detect: false, timeoutMs: 400 });
		expect(r.elapsedMs).toBeGreaterThanOrEqual(400);
	});

	it('reports a completed run with what main() returned, from any directory', async () => {
		const { status, stdout } = await check(['sync_main.py', '--json'], join(ROOT, FIXTURES));
		expect(status).toBe(0);
		expect(JSON.parse(stdout)).toMatchObject({ outcome: 'completed', detectedBy: null, returned: { sum: 45, ok: true } });
	});

	it.each([
		[[`${FIXTURES}/no_main.py`], /cannot run .*no_main\.py: .*main\(\)/],
		[[`${FIXTURES}/missing.py`], /cannot run .*missing\.py: no such file/],
		[['README.md'], /cannot run README\.md: cannot run "\.md" files/],
		[[`${FIXTURES}/sync_main.py`, '--timeout', 'soon'], /--timeout must be a positive whole number of ms/],
		[[], /give exactly one file/],
	])('exits non-zero with a clear message when it cannot run: %j', async (args, message) => {
		const { status, stderr } = await check(args);
		expect(status).not.toBe(0);
		expect(stderr).toMatch(message);
	});
});
