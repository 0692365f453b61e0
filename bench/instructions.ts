// bench/instructions: the instructions detection adds to a TypeScript program's main(), counted
// (not timed).
//
//   node bench/instructions.ts [files…]      (npm run bench:instructions -- …)
//
// A timing of solution.ts moves by ten points from one invocation to the next on a shared machine
// (bench/overhead.ts prints its interval); this count repeats to a tenth of a point. For each
// program (default: the seed's TypeScript programs declared `completed`), in this invocation,
// valgrind's callgrind counts the instructions of the Node harness's main thread four times:
// detection on and off, each once to the end and once stopped right before main() starts
// (--exit-before-main). main()'s count is the difference, and the baseline is detection off; the
// last four columns are the counts before main() (start: the harness installing itself) and of
// the whole run, so a cost moved out of main() would show there.
// V8 runs --predictable (single-threaded: its garbage collector and compilers work on the counted
// thread, in the same order every time) with a fixed --random-seed, and every run starts from the
// same compiled-code cache (warmed by a run outside valgrind). Counted instructions include what
// V8 would otherwise do on helper threads: the ratio is a cost, not a wall time. Runs two at a
// time; about a minute per program.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { languageOf } from '../src/verify/languages.ts';
import { ROOT, seedPrograms } from './seed-programs.ts';

const run = promisify(execFile);
const HARNESS = join(ROOT, 'src', 'verify', 'node', 'harness.ts');
const NODE = process.execPath;

const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => join(process.cwd(), f)) : seedPrograms();
const programs = files.filter((f) => languageOf(f) === 'typescript');
if (!programs.length) {
	console.error('bench/instructions: no TypeScript program to count (give .ts files).');
	process.exit(2);
}
try {
	await run('valgrind', ['--version']);
} catch {
	console.error('bench/instructions: valgrind is not installed. Install it (Debian: apt-get install -y valgrind) and run again.');
	process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
const env = { ...process.env, NODE_COMPILE_CACHE: join(work, 'code-cache'), TMPDIR: work };
const harnessArgs = (file: string, detect: boolean, whole: boolean) => [
	'--predictable',
	'--random-seed=1',
	'--disable-warning=ExperimentalWarning',
	HARNESS,
	'--report-fd',
	'1',
	'--timeout-ms',
	'600000',
	...(detect ? [] : ['--no-detect']),
	...(whole ? [] : ['--exit-before-main']),
	file,
];

/** The main thread's instructions in one run under callgrind. */
async function count(file: string, detect: boolean, whole: boolean): Promise<number> {
	const dir = mkdtempSync(join(work, 'run-'));
	const out = join(dir, 'callgrind.out');
	await run('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${out}`, NODE, ...harnessArgs(file, detect, whole)], { env, maxBuffer: 64 << 20 });
	// With --separate-threads, thread 1 (the main thread) writes `<file>-01`.
	const main = readdirSync(dir).find((f) => f.endsWith('-01'));
	if (!main) throw new Error(`callgrind wrote no main-thread profile for ${file}`);
	const profile = join(dir, main);
	const total = Number(/^summary:\s+(\d+)/m.exec(readFileSync(profile, 'utf8'))?.[1]);
	rmSync(dir, { recursive: true, force: true });
	return total;
}

const millions = (n: number) => `${(n / 1e6).toFixed(1)}M`;
const lpad = (s: string, n: number) => s.padStart(n);
console.log('bench/instructions: main-thread instructions of main(), detection on and off (callgrind, V8 --predictable)\n');
console.log(`  ${'program'.padEnd(56)} ${lpad('on', 10)} ${lpad('off', 10)} ${lpad('on/off', 8)} ${lpad('overhead', 9)} ${lpad('start on', 10)} ${lpad('start off', 10)} ${lpad('whole on', 10)} ${lpad('whole off', 10)}`);
try {
	for (const file of programs) {
		// Warm the compiled-code cache both ways, outside valgrind, so that no counted run compiles it.
		for (const detect of [true, false]) await run(NODE, harnessArgs(file, detect, true), { env, maxBuffer: 64 << 20 });
		const [onWhole, onStart] = await Promise.all([count(file, true, true), count(file, true, false)]);
		const [offWhole, offStart] = await Promise.all([count(file, false, true), count(file, false, false)]);
		const on = onWhole - onStart;
		const off = offWhole - offStart;
		console.log(`  ${file.slice(ROOT.length).padEnd(56)} ${lpad(millions(on), 10)} ${lpad(millions(off), 10)} ${lpad((on / off).toFixed(3), 8)} ${lpad(`${((on / off - 1) * 100).toFixed(1)}%`, 9)} ${lpad(millions(onStart), 10)} ${lpad(millions(offStart), 10)} ${lpad(millions(onWhole), 10)} ${lpad(millions(offWhole), 10)}`);
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
