import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { liveRunProcesses } from '../../src/verify/process-runner.ts';
import { formatReport } from '../../src/verify/report.ts';
import { RunScheduler } from '../../src/verify/run-scheduler.ts';
import { isFailureVerdict } from '../../src/verify/vocabulary.ts';
import { verifyTrap, type ProgramVerification } from '../../src/verify/verify-trap.ts';
import { ROOT } from '../support/paths.ts';

// Every program of every page, verified by the engine, which writes the records the pages show.
// Current records are reused; VERIFY_FORCE=1 or CI=true re-runs everything, except where CI's
// parallel jobs (`.ci/run --shard`) have just made the records (VERIFY_REUSE_RECORDS=1, `--finish`).
const force = process.env.VERIFY_FORCE === '1' || (process.env.CI === 'true' && process.env.VERIFY_REUSE_RECORDS !== '1');
const traps = loadCatalog(ROOT)
	.pages.filter((p) => p.data?.snippets.some((s) => s.role === 'program'))
	.map((p) => ({ name: p.id, snippets: p.data!.snippets }));

// All traps start at once and share the pools; each test waits for its own program.
const scheduler = new RunScheduler();
const verified = new Map(
	traps.map((trap) => {
		const done = verifyTrap(ROOT, trap, { force, scheduler }).then(
			(results) => new Map(results.map((v) => [v.file, v])),
			(error: unknown) => error as Error,
		);
		return [trap.name, done] as const;
	}),
);

/** The report a failed program's test shows: every problem, then what the run observed. */
function explain(v: ProgramVerification): string {
	const lines = [`${v.snippet}: ${v.problems.join('; ')}`];
	if (v.record) lines.push(formatReport(v.record.run));
	if (v.record?.contract) lines.push(`with detection off: ${formatReport(v.record.contract)}`);
	return lines.join('\n\n');
}

describe.concurrent('every program does what its page claims, and the page gets what was observed', () => {
	for (const trap of traps) {
		const programs = trap.snippets.filter((s) => s.role === 'program');
		it.each(programs)(`${trap.name}/$file: $expect`, async ({ file, expect: claim, timeoutMs }) => {
			const results = await verified.get(trap.name)!;
			if (results instanceof Error) throw results;
			const v = results.get(file)!;
			expect(v.problems, explain(v)).toEqual([]);
			expect(v.status).toBe('ok');
			// What the page will show is what was claimed, from a record made from these very files.
			const { run, contract, matches } = v.record!;
			expect(run.outcome, formatReport(run)).toBe(claim);
			expect(matches).toBe(true);
			if (isFailureVerdict(claim)) {
				expect(contract?.outcome, 'with detection off it runs into its timeout').toBe('timeout');
				expect(contract!.elapsedMs).toBeGreaterThanOrEqual(timeoutMs!);
			}
		});
	}

	afterAll(() => {
		expect(liveRunProcesses(), 'snippet processes left running after the suite').toEqual([]);
	});
});
