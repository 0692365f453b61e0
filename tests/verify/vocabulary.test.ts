import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PotentialDeadlock, Witness } from '../../src/verify/facts.ts';
import { pythonExecutable, runSnippet, UnrunnableError, type RunResult } from '../../src/verify/run-snippet.ts';
import * as vocabulary from '../../src/verify/vocabulary.ts';
import { ROOT } from '../support/paths.ts';

// The vocabulary (src/verify/vocabulary.ts) is defined once; each harness carries a copy of the
// codes it sends. These tests check a harness's copy equals the definition, and that every code in
// every verdict its fixtures produce is in the vocabulary.

const LISTS = ['VERDICTS', 'DETECTORS', 'REASONS', 'RESOURCE_KINDS', 'WAIT_OPS', 'TASK_STATES', 'LEAKS'] as const;

/** Every code of a verdict that is not in the vocabulary (or a dangling id), as readable strings. */
function strayCodes(r: Pick<RunResult, 'outcome' | 'detectedBy' | 'witness' | 'potentialDeadlocks'>): string[] {
	const bad: string[] = [];
	const check = (list: readonly string[], value: unknown, where: string) => {
		if (!list.includes(value as string)) bad.push(`${where}: ${JSON.stringify(value)}`);
	};
	check(vocabulary.VERDICTS, r.outcome, 'outcome');
	if (r.detectedBy !== null) check(vocabulary.DETECTORS, r.detectedBy, 'detectedBy');
	const w = r.witness as (Witness & Record<string, unknown>) | null;
	if (w) {
		if ('summary' in w) bad.push('witness.summary: harnesses send no sentences');
		check(vocabulary.REASONS, w.reason, 'reason');
		if (r.detectedBy && !vocabulary.DETECTOR_OF_REASON[w.reason]?.includes(r.detectedBy)) bad.push(`reason ${w.reason} with detector ${r.detectedBy}`);
		const ids = new Set([...w.tasks.map((t) => t.id), ...w.resources.map((x) => x.id)]);
		for (const t of w.tasks) {
			check(vocabulary.TASK_STATES, t.state, `task ${t.id} state`);
			check(['task', 'thread', 'async-context'], t.kind, `task ${t.id} kind`);
			if (t.ended !== undefined) check(['returned', 'raised', 'cancelled'], t.ended, `task ${t.id} ended`);
		}
		for (const res of w.resources) {
			check(vocabulary.RESOURCE_KINDS, res.kind, `resource ${res.id} kind`);
			for (const h of res.holders ?? []) {
				if (h.leaked !== undefined) check(vocabulary.LEAKS, h.leaked, `resource ${res.id} leaked`);
				if (!ids.has(h.agent)) bad.push(`resource ${res.id} holder ${h.agent} not in the witness`);
			}
			for (const id of res.waiters) if (!ids.has(id)) bad.push(`resource ${res.id} waiter ${id} not in the witness`);
		}
		for (const e of w.edges) {
			check(vocabulary.WAIT_OPS, e.op, `edge ${e.from}->${e.to} op`);
			check(['waits', 'held-by', 'can-wake'], e.relation, `edge ${e.from}->${e.to} relation`);
			if (!ids.has(e.from) || !ids.has(e.to)) bad.push(`edge ${e.from}->${e.to} names an id not in the witness`);
		}
		for (const id of w.cycle ?? []) if (!ids.has(id)) bad.push(`cycle id ${id} not in the witness`);
	}
	for (const p of (r.potentialDeadlocks ?? []) as PotentialDeadlock[]) {
		for (const o of p.orders) {
			if (!/^.+:\d+$/.test(o.holding.at) || !/^.+:\d+$/.test(o.took.at)) bad.push(`potential deadlock place not file:line: ${JSON.stringify(o)}`);
		}
	}
	return bad;
}

describe('vocabulary: the Python harness', () => {
	it('carries the same lists as src/verify/vocabulary.ts', () => {
		const out = execFileSync(pythonExecutable(), ['-m', 'trapcheck.vocabulary'], { cwd: join(ROOT, 'src/verify/python'), encoding: 'utf8' });
		const python = JSON.parse(out) as Record<string, string[]>;
		expect(Object.keys(python).sort()).toEqual([...LISTS].sort());
		for (const name of LISTS) expect(python[name], name).toEqual([...vocabulary[name]]);
	});

	it('flags a code outside the vocabulary (the check itself can fail)', () => {
		const witness = { reason: 'stuck', cycle: null, tasks: [], resources: [], edges: [], summary: 'x' } as unknown as Witness;
		expect(strayCodes({ outcome: 'deadlock', detectedBy: 'cycle', witness, potentialDeadlocks: [] })).toEqual([
			'witness.summary: harnesses send no sentences',
			'reason: "stuck"',
			'reason stuck with detector cycle',
		]);
	});

	const dir = join(ROOT, 'tests/fixtures/verify/python');
	const fixtures = readdirSync(dir).filter((f) => f.endsWith('.py'));
	it.concurrent.each(fixtures)('%s: every code of its verdict is in the vocabulary', async (name) => {
		let r: RunResult;
		try {
			r = await runSnippet(join(dir, name), { timeoutMs: 1500, detect: true });
		} catch (e) {
			if (e instanceof UnrunnableError) return; // no verdict to check (no_main.py, syntax_error.py)
			throw e;
		}
		expect(strayCodes(r)).toEqual([]);
	});
});
