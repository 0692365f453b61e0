// bench/verify: how fast the detectors prove what the timeout alone would only suspect.
//
//   npm run bench -- [--runs <n>] [--copies <n>]
//
// Prints, per failure program and in total, the time to verdict with detection on and off; the
// wall time of verifying the whole snippet suite (as `npm run verify -- --force` does) against the
// sum of its timeouts; and with --copies, the wall time and per-trap cost of a catalog grown to
// n copies of every trap, verified at once.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { formatMs } from '../src/verify/report.ts';
import { runSnippet, type RunResult } from '../src/verify/run-snippet.ts';
import { RunScheduler } from '../src/verify/run-scheduler.ts';
import { isFailureVerdict } from '../src/verify/vocabulary.ts';
import { verifyTraps } from '../src/verify/verify-trap.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, copies: { type: 'string', default: '0' } } });
const runs = Number(values.runs);
const copies = Number(values.copies);

const catalog = loadCatalog(ROOT);
const programs = catalog.pages.flatMap((page) =>
	(page.data?.snippets ?? [])
		.filter((s) => s.role === 'program')
		.map((s) => ({ id: `${page.id}/${s.file}`, path: join(ROOT, 'snippets', page.id, s.file), expect: s.expect!, timeoutMs: s.timeoutMs })),
);
const failures = programs.filter((p) => p.expect === 'deadlock');

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

/** Runs `fn` and returns its result with the wall time it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number }> {
	const t0 = performance.now();
	const value = await fn();
	return { value, wallMs: performance.now() - t0 };
}

console.log(`bench/verify: ${failures.length} failure programs, ${programs.length} programs in all, ${runs} detection runs each\n`);
console.log('Time to verdict, from main() starting (median and max over the runs; detection off: one run):');
console.log(`  ${pad('failure program', 52)} ${lpad('detect median', 14)} ${lpad('max', 8)} ${lpad('verdict', 22)} ${lpad('detection off', 14)} ${lpad('ratio', 8)}`);

let totalOn = 0;
let totalOff = 0;
const medians: number[] = [];
for (const p of failures) {
	const on: RunResult[] = [];
	for (let i = 0; i < runs; i++) on.push(await runSnippet(p.path, { timeoutMs: p.timeoutMs, detect: true }));
	const off = await runSnippet(p.path, { timeoutMs: p.timeoutMs, detect: false });
	const times = on.map((r) => r.elapsedMs);
	const verdicts = [...new Set(on.map((r) => `${r.outcome}/${r.detectedBy}`))].join(',');
	const m = median(times);
	medians.push(m);
	totalOn += m;
	totalOff += off.elapsedMs;
	console.log(
		`  ${pad(p.id, 52)} ${lpad(formatMs(m), 14)} ${lpad(formatMs(Math.max(...times)), 8)} ${lpad(verdicts, 22)} ${lpad(`${formatMs(off.elapsedMs)} ${off.outcome}`, 14)} ${lpad(`${Math.round(off.elapsedMs / m)}×`, 8)}`,
	);
}
console.log(`  ${pad('total', 52)} ${lpad(formatMs(totalOn), 14)} ${lpad('', 8)} ${lpad('', 22)} ${lpad(formatMs(totalOff), 14)} ${lpad(`${Math.round(totalOff / totalOn)}×`, 8)}`);
console.log(`  median time to a deadlock verdict over all failure programs: ${formatMs(median(medians))} (target: ≤ 50 ms)\n`);

console.log('Whole snippet suite as `npm run verify -- --force` runs it (bounded pools, records not written):');
const traps = catalog.pages.filter((p) => p.data).map((p) => ({ name: p.id, snippets: p.data!.snippets }));
const sumOfTimeouts = traps.flatMap((t) => t.snippets).filter((s) => s.role === 'program' && isFailureVerdict(s.expect!)).reduce((n, s) => n + s.timeoutMs, 0);
const suite = await timed(() => verifyTraps(ROOT, traps, { force: true, write: false, scheduler: new RunScheduler() }));
const allOk = suite.value.every((v) => v.status === 'ok');
console.log(`  wall time:          ${lpad(formatMs(suite.wallMs), 9)}  (${allOk ? 'every program as declared' : 'SOME PROGRAMS DISAGREE WITH THEIR PAGES'}; ${suite.value.filter((v) => v.rerunAlone).length} re-run alone after a timeout under load)`);
console.log(`  sum of timeouts:    ${lpad(formatMs(sumOfTimeouts), 9)}  (the detection-off runs of the failure programs, one after another)`);
console.log(`  ratio:              ${lpad(`${(sumOfTimeouts / suite.wallMs).toFixed(1)}×`, 9)}  (${availableParallelism()} cores)\n`);

if (copies > 0) {
	// The catalog grown to `copies` times its size: copies of every trap's snippets under other names.
	mkdirSync(join(ROOT, '.verify/copies'), { recursive: true });
	const root = mkdtempSync(join(ROOT, '.verify/copies/bench-'));
	try {
		const grown = Array.from({ length: copies }, (_, i) =>
			traps.map((t) => {
				const name = `${t.name}-copy-${i + 1}`;
				cpSync(join(ROOT, 'snippets', t.name), join(root, 'snippets', name), { recursive: true });
				return { name, snippets: t.snippets };
			}),
		).flat();
		const programs = grown.reduce((n, t) => n + t.snippets.filter((s) => s.role === 'program').length, 0);
		const run = await timed(() => verifyTraps(root, grown, { force: true, write: false, scheduler: new RunScheduler() }));
		const failed = run.value.filter((v) => v.status !== 'ok');
		const perTrap = run.wallMs / grown.length;
		console.log(`Catalog grown to ${grown.length} traps (${programs} programs), verified at once:`);
		console.log(`  wall time:          ${lpad(formatMs(run.wallMs), 9)}  (${failed.length ? `${failed.length} DISAGREE: ${failed.map((v) => `${v.trap}/${v.file}: ${v.problems[0]}`).slice(0, 3).join(' | ')}` : 'every program as declared'}; ${run.value.filter((v) => v.rerunAlone).length} re-run alone)`);
		console.log(`  per trap:           ${lpad(formatMs(perTrap), 9)}`);
		console.log(`  traps verified in 10 minutes at this rate: ${Math.floor(600_000 / perTrap)}`);
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}
