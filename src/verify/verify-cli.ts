// `npm run verify [-- <trap> ...] [--force] [--shard <i>/<n>]`: verify the catalog's programs against
// their pages and write the records the site shows. Current records are reused (nothing runs for a
// program, its modules, declaration, harness and runtime unchanged); `--force` or CI=true re-runs all.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatProblem } from '../catalog/check-trap.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { formatMs, formatReport } from './report.ts';
import { RunScheduler } from './run-scheduler.ts';
import { shardOf, verifyTraps, type ProgramVerification, type TrapToVerify } from './verify-trap.ts';

const USAGE = 'usage: npm run verify -- [<trap> ...] [--force] [--shard <i>/<n>]';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `my-trap`, `snippets/my-trap/…`, `content/traps/my-trap.mdx` all name the trap `my-trap`. */
export function trapName(arg: string): string {
	const m = /(?:^|\/)snippets\/([^/]+)/.exec(arg) ?? /(?:^|\/)content\/traps\/([^/]+?)(?:\.mdx)?$/.exec(arg);
	return (m ? m[1] : arg).replace(/\/+$/, '');
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

/** The one line `npm run verify` prints for a program. */
export function resultLine(v: ProgramVerification): string {
	const run = v.record?.run;
	const verdict = run ? `${run.outcome}${run.detectedBy && run.detectedBy !== 'timeout' ? ` (${run.detectedBy})` : ''}` : 'unrunnable';
	const ms = run ? formatMs(run.elapsedMs) : '';
	const note = v.cached
		? 'cached'
		: [v.status === 'ok' ? '' : `expected ${v.expect}`, v.ranBecause.length ? `ran: ${v.ranBecause.join(', ')}` : '', v.rerunAlone ? 're-run alone after a timeout under load' : '']
				.filter(Boolean)
				.join('; ');
	return `${pad(v.status === 'ok' ? 'ok' : 'FAILED', 7)}${pad(`${v.trap}/${v.file}`, 56)}${pad(verdict, 22)}${ms.padStart(8)}  ${note}`.trimEnd();
}

/** What `npm run verify` prints under a failed program: the problems, the report, what to do. */
export function failureReport(v: ProgramVerification, pageFile: string): string {
	const parts = v.problems.map((p) => `  - ${p}`);
	if (v.record) {
		parts.push('', formatReport(v.record.run));
		if (v.record.contract && v.record.contract.outcome !== 'timeout') parts.push('', `With detection off:\n${formatReport(v.record.contract)}`);
	}
	parts.push(
		'',
		`What to do: run it alone with \`npm run check -- ${v.snippet}\` (add --no-detect for the contract run); fix the program, or its`,
		`declaration (expect, timeoutMs) in ${pageFile}; then \`npm run verify -- ${v.trap}\`.`,
	);
	return parts.join('\n');
}

async function main(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				force: { type: 'boolean', default: false },
				shard: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		});
	} catch (e) {
		console.error(`${(e as Error).message}\n${USAGE}`);
		return 2;
	}
	const { values, positionals } = parsed;
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	const catalog = loadCatalog(ROOT);
	const pages = new Map(catalog.pages.map((p) => [p.id, p]));
	const wanted = positionals.map(trapName);
	const unknown = wanted.filter((t) => !pages.has(t));
	if (unknown.length) {
		console.error(`no trap named ${unknown.map((t) => `"${t}"`).join(', ')}; traps are the names of content/traps/*.mdx: ${[...pages.keys()].join(', ')}`);
		return 2;
	}
	const selected = wanted.length ? wanted.map((t) => pages.get(t)!) : catalog.pages;
	const problems = catalog.problems.filter((p) => selected.some((page) => page.file === p.file));
	if (problems.length) {
		for (const p of problems) console.error(formatProblem(p));
		console.error(`Fix the page${problems.length > 1 ? 's' : ''} first (\`npm run lint:catalog\` checks every page in seconds).`);
		return 2;
	}
	let traps: TrapToVerify[];
	try {
		traps = shardOf(
			selected.map((p) => ({ name: p.id, snippets: p.data!.snippets })),
			values.shard,
		);
	} catch (e) {
		console.error((e as Error).message);
		return 2;
	}
	const force = values.force || process.env.CI === 'true';
	const t0 = performance.now();
	const failed: ProgramVerification[] = [];
	const results = await verifyTraps(ROOT, traps, {
		force,
		scheduler: new RunScheduler(),
		onResult(v) {
			console.log(resultLine(v));
			if (v.status !== 'ok') failed.push(v);
		},
	});
	for (const v of failed) {
		console.log(`\n${v.trap}/${v.file}: ${v.status === 'unrunnable' ? 'cannot be run' : `does not do what ${pages.get(v.trap)!.file} claims`}`);
		console.log(failureReport(v, pages.get(v.trap)!.file));
	}
	const cached = results.filter((v) => v.cached).length;
	console.log(
		`\n${results.length} program${results.length === 1 ? '' : 's'} in ${traps.length} trap${traps.length === 1 ? '' : 's'}: ` +
			`${results.length - failed.length} ok (${cached} from cache${force ? ', --force' : ''}), ${failed.length} failed; ${formatMs(performance.now() - t0)}`,
	);
	return failed.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
