// bench/overhead: what detection costs a program that completes (issue 6: under 10% on the seed's
// solution workloads).
//
//   node bench/overhead.ts [--runs <n>] [--only ts|py] [--list] [files…]
//
// Runs each program (default: the seed's programs declared `completed`) alternately with detection
// on and off, `runs` times each, and prints the medians of `elapsedMs` (main() starting to its
// end; startup does not count), their ratio and the overhead. The baseline is the detection-off
// runs of the same invocation, interleaved with the detection-on ones so that a noisy neighbour
// weighs on both alike. It also prints the median of the paired ratios (each on run over the off
// run next to it) with their interquartile range: on a machine whose speed drifts, pairs cancel
// the drift that medians taken apart still carry, and the range says how far one figure can be
// trusted. Last, a 95% confidence interval for that paired median (bootstrap): the figure is only as
// good as its interval, and more runs narrow it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSnippet } from '../src/verify/run-snippet.ts';
import { ROOT, seedPrograms } from './seed-programs.ts';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		runs: { type: 'string', default: '15' },
		only: { type: 'string' },
		'timeout-ms': { type: 'string', default: '10000' },
		list: { type: 'boolean', default: false }, // print the programs it would run, one path a line, and stop
	},
});
const runs = Number(values.runs);
const timeoutMs = Number(values['timeout-ms']);
let files = positionals.length ? positionals.map((f) => join(process.cwd(), f)) : seedPrograms();
if (values.only) files = files.filter((f) => f.endsWith(`.${values.only}`));
if (values.list) {
	console.log(files.join('\n'));
	process.exit(0);
}

/** The `q`-quantile of `xs` (0.5: the median), interpolated between the two nearest values. */
const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	const i = (s.length - 1) * q;
	const lo = Math.floor(i);
	return lo === i ? s[i] : s[lo] + (s[lo + 1] - s[lo]) * (i - lo);
};
const median = (xs: number[]) => quantile(xs, 0.5);

/**
 * A 95% confidence interval for the median of `xs`, by the percentile bootstrap (2,000 resamples
 * drawn with a fixed seed, so the same runs always give the same interval): how far the paired
 * median could be from what many more runs would give. A bound is held when the whole interval
 * is under it, not when one median happens to be.
 */
const medianInterval = (xs: number[]): [number, number] => {
	let state = 0x9e3779b9;
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
	const medians = Array.from({ length: 2000 }, () => median(xs.map(() => xs[Math.floor(random() * xs.length)])));
	return [quantile(medians, 0.025), quantile(medians, 0.975)];
};
const pct = (ratio: number) => `${((ratio - 1) * 100).toFixed(1)}%`;
const lpad = (s: string, n: number) => s.padStart(n);

console.log(`bench/overhead: ${runs} runs each with detection on and off, interleaved; medians (min–max) of main()'s wall time and of the CPU time it used\n`);
console.log(
	`  ${'program'.padEnd(56)} ${'clock'.padEnd(5)} ${lpad('on ms', 22)} ${lpad('off ms', 22)} ${lpad('on/off', 8)} ${lpad('overhead', 9)} ${lpad('paired (IQR)', 26)} ${lpad('paired 95% CI', 16)}`,
);
let bad = false;
/** Issue 6's bound: detection costs a completing program under 10%. */
const BOUND = 0.1;
/** main()'s wall time (`elapsedMs`) and the CPU time its process used meanwhile (`cpuMs`). */
const CLOCKS = ['wall', 'cpu'] as const;
type Clock = (typeof CLOCKS)[number];
const held: Record<Clock, string[]> = { wall: [], cpu: [] };
const notShown: Record<Clock, string[]> = { wall: [], cpu: [] };
for (const file of files) {
	const on: Record<Clock, number[]> = { wall: [], cpu: [] };
	const off: Record<Clock, number[]> = { wall: [], cpu: [] };
	for (let i = 0; i < runs; i++) {
		// Alternate which goes first, so that neither always runs on a warmer machine.
		const order = i % 2 ? [true, false] : [false, true];
		for (const detect of order) {
			const r = await runSnippet(file, { timeoutMs, detect });
			if (r.outcome !== 'completed' || r.cpuMs === null) {
				bad = true;
				console.error(`  ${file} (detect ${detect}): ${r.outcome} ${r.error?.text ?? ''}\n${r.stderr}`);
			}
			(detect ? on : off).wall.push(r.elapsedMs);
			(detect ? on : off).cpu.push(r.cpuMs ?? Number.NaN);
		}
	}
	const name = file.slice(ROOT.length);
	for (const clock of CLOCKS) {
		const paired = on[clock].map((x, i) => x / off[clock][i]);
		const interval = medianInterval(paired);
		(interval[1] - 1 < BOUND ? held : notShown)[clock].push(name);
		const mOn = median(on[clock]);
		const mOff = median(off[clock]);
		const ms = (x: number) => x.toFixed(1);
		const span = (xs: number[]) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
		console.log(
			`  ${(clock === 'wall' ? name : '').padEnd(56)} ${clock.padEnd(5)} ${lpad(span(on[clock]), 22)} ${lpad(span(off[clock]), 22)} ${lpad((mOn / mOff).toFixed(3), 8)} ${lpad(pct(mOn / mOff), 9)} ${lpad(`${pct(median(paired))} (${pct(quantile(paired, 0.25))}–${pct(quantile(paired, 0.75))})`, 26)} ${lpad(interval.map(pct).join('–'), 16)}`,
		);
	}
}
for (const clock of CLOCKS) {
	console.log(`\n  ${clock}: under ${BOUND * 100}% (the whole 95% interval): ${held[clock].length ? held[clock].join(', ') : 'none'}`);
	console.log(`  ${clock}: not shown (the interval reaches ${BOUND * 100}%): ${notShown[clock].length ? notShown[clock].join(', ') : 'none'}`);
}
if (bad) process.exitCode = 1;
