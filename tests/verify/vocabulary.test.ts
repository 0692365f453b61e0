// Every code a harness sends is in the one vocabulary (src/verify/vocabulary.ts): verdicts,
// detectors, reasons, resource kinds, wait operations, task states and leaks.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Witness } from '../../src/verify/facts.ts';
import { runSnippet, type RunResult } from '../../src/verify/run-snippet.ts';
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
