import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { agreesWithClaim, currentSourceHash, writeRecord } from '../../src/verify/results.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { isFailureVerdict } from '../../src/verify/verdict.ts';
import { ROOT } from '../support/paths.ts';

const programs = loadCatalog(ROOT).pages.flatMap((page) =>
	(page.data?.snippets ?? [])
		.filter((s) => s.role === 'program')
		.map((s) => ({ trap: page.id, declarations: page.data!.snippets, ...s, expect: s.expect! })),
);

describe.concurrent('every program does what its page claims, and the page gets what was observed', () => {
	it.each(programs)('$trap/$file: $expect', async ({ trap, file, expect: claim, timeoutMs, declarations }) => {
		const path = join(ROOT, 'snippets', trap, file);
		const fails = isFailureVerdict(claim);
		const sourceHash = currentSourceHash(ROOT, trap, declarations, file);
		const [run, contract] = await Promise.all([
			runSnippet(path, { timeoutMs, detect: true }),
			// The contract a reader sees: with the detectors off it does not finish within the timeout.
			fails ? runSnippet(path, { timeoutMs, detect: false }) : Promise.resolve(null),
		]);
		// Recorded before the assertions, so that a page shows a failed claim as failed.
		writeRecord(ROOT, {
			snippet: `snippets/${trap}/${file}`,
			trap,
			file,
			expect: claim,
			sourceHash,
			ranAt: new Date().toISOString(),
			run: { ...run, file: `snippets/${trap}/${file}` },
			contract: contract && { ...contract, file: `snippets/${trap}/${file}` },
			matches: agreesWithClaim(claim, run, contract),
		});

		expect(run.outcome, formatReport(run)).toBe(claim);
		if (claim === 'deadlock') {
			expect(run.detectedBy).toMatch(/^(cycle|quiescence|watchdog)$/);
			expect(run.elapsedMs).toBeLessThan(timeoutMs);
			const waiting = run.witness?.tasks.filter((t) => t.waitsFor) ?? [];
			expect(waiting.length, 'the witness names a waiting task').toBeGreaterThan(0);
			for (const t of waiting) {
				const lock = run.witness!.locks.find((l) => l.id === t.waitsFor);
				expect(lock?.owner, `${t.name} waits on ${lock?.name}, held by someone`).toBeTruthy();
				expect(lock?.acquiredAt?.length, 'and the holder\'s place of acquiring it').toBeGreaterThan(0);
			}
		}
		if (fails) {
			expect(contract!.outcome, `with detection off: ${formatReport(contract!)}`).toBe('timeout');
			expect(contract!.elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
		}
		if (claim === 'completed') {
			// A solution drives a concurrent workload and reports what it ran and checked.
			const summary = run.returned as { concurrent?: number; invariants?: string[] } | null;
			expect(summary?.concurrent, 'main() returns { concurrent, invariants, … }').toBeGreaterThanOrEqual(100);
			expect(summary?.invariants?.length).toBeGreaterThan(0);
		}
	});

	afterAll(() => {
		expect(liveRunProcesses(), 'snippet processes left running after the suite').toEqual([]);
	});
});
