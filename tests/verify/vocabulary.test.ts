// Every code a harness sends is in the one vocabulary (src/verify/vocabulary.ts): verdicts,
// detectors, reasons, resource kinds, wait operations, task states and leaks.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PotentialDeadlock, Witness } from '../../src/verify/facts.ts';
import { pythonExecutable, runSnippet, UnrunnableError, type RunResult } from '../../src/verify/run-snippet.ts';
import * as vocabulary from '../../src/verify/vocabulary.ts';
import { DETECTOR_OF_REASON, DETECTORS, LEAKS, REASONS, RESOURCE_KINDS, TASK_STATES, VERDICTS, WAIT_OPS } from '../../src/verify/vocabulary.ts';
import { ROOT } from '../support/paths.ts';

/** The codes of one run that must come from the vocabulary, as `field: value` lines for a readable diff. */
function codesOutsideVocabulary(r: RunResult): string[] {
	const bad: string[] = [];
	const check = (field: string, value: unknown, allowed: readonly unknown[]) => {
		if (!allowed.includes(value)) bad.push(`${field}: ${String(value)}`);
	};
	check('outcome', r.outcome, VERDICTS);
	if (r.detectedBy !== null) check('detectedBy', r.detectedBy, DETECTORS);
	const w = r.witness as unknown as Witness | null;
	if (!w) return bad;
	check('witness.reason', w.reason, REASONS);
	if (r.detectedBy && (REASONS as readonly string[]).includes(w.reason)) check(`detector of ${w.reason}`, r.detectedBy, DETECTOR_OF_REASON[w.reason]);
	for (const t of w.tasks) {
		check(`task ${t.id} kind`, t.kind, ['task', 'thread', 'async-context']);
		check(`task ${t.id} state`, t.state, TASK_STATES);
		if (t.ended !== undefined) check(`task ${t.id} ended`, t.ended, ['returned', 'raised', 'cancelled']);
	}
	for (const x of w.resources) {
		check(`resource ${x.id} kind`, x.kind, RESOURCE_KINDS);
		for (const h of x.holders ?? []) if (h.leaked !== undefined) check(`resource ${x.id} leaked`, h.leaked, LEAKS);
	}
	const ids = new Set([...w.tasks.map((t) => t.id), ...w.resources.map((x) => x.id)]);
	for (const e of w.edges) {
		check('edge relation', e.relation, ['waits', 'held-by', 'can-wake']);
		check(`edge ${e.from} → ${e.to} op`, e.op, WAIT_OPS);
		if (!ids.has(e.from) || !ids.has(e.to)) bad.push(`edge ${e.from} → ${e.to}: names an id the witness does not list`);
	}
	for (const id of w.cycle ?? []) if (!ids.has(id)) bad.push(`cycle: ${id} is not listed`);
	return bad;
}

describe.concurrent('Node harness speaks the vocabulary', () => {
	const dir = join(ROOT, 'tests/fixtures/verify/typescript');
	const runnable = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['no-main.ts', 'syntax-error.ts'].includes(f));

	it('every code in every verdict and witness of every TypeScript fixture is in src/verify/vocabulary.ts', async () => {
		// busy-spin and never-settles-with-interval need the timeout: give them a short one.
		const results = await Promise.all(runnable.map((f) => runSnippet(join(dir, f), { timeoutMs: ['busy-spin.ts', 'never-settles-with-interval.ts'].includes(f) ? 800 : 10_000, detect: true })));
		const outcomes = new Set(results.map((r) => r.outcome));
		expect([...outcomes].sort()).toEqual(['completed', 'deadlock', 'raised', 'timeout']);
		for (const r of results) expect(codesOutsideVocabulary(r), r.file).toEqual([]);
		expect(results.filter((r) => r.witness).length).toBeGreaterThan(15);
	});
});

// -- Python harness ---------------------------------------------------------------------------
// Its copy of the lists (trapcheck/vocabulary.py) must equal vocabulary.ts, and every code of every
// verdict its fixtures produce must be in the vocabulary (no sentences, no dangling ids).

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
