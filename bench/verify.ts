// bench/verify: how fast the detectors prove what the timeout alone would only suspect.
//
//   npm run bench -- [--runs <n>]
//
// Prints, per failure program and in total, the time to verdict with detection on and off, and
// the wall time of verifying the whole snippet suite both ways, with ratios against the
// timeout-only baseline measured in the same invocation.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { formatMs } from '../src/verify/report.ts';
import { runSnippet, type RunResult } from '../src/verify/run-snippet.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);

const programs = loadCatalog(ROOT).pages.flatMap((page) =>
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

console.log('Whole snippet suite, every program at once as `npm run verify` runs them (wall time, spawn to last verdict):');
const suite = async (detect: boolean) =>
	timed(() => Promise.all(programs.map((p) => runSnippet(p.path, { timeoutMs: p.timeoutMs, detect }))));
const withDetection = await suite(true);
const timeoutOnly = await suite(false);
const okOn = withDetection.value.every((r, i) => r.outcome === programs[i].expect);
console.log(`  with detection:    ${lpad(formatMs(withDetection.wallMs), 9)}  (${okOn ? 'every verdict as declared' : 'SOME VERDICTS DIFFER FROM THE DECLARATIONS'})`);
console.log(`  timeout only:      ${lpad(formatMs(timeoutOnly.wallMs), 9)}  (baseline: failure programs run into their timeouts)`);
console.log(`  ratio:             ${lpad(`${(timeoutOnly.wallMs / withDetection.wallMs).toFixed(1)}×`, 9)}  (target: ≥ 20×)`);
