// `npm run check -- <file> [--timeout <ms>] [--no-detect] [--json]`: run any Python or TypeScript file
// that defines main() under the verification engine and print its verdict and witness.
import { parseArgs } from 'node:util';
import { formatReport } from './report.ts';
import { runSnippet, UnrunnableError } from './run-snippet.ts';

const USAGE = 'usage: npm run check -- <file.py|file.ts> [--timeout <ms>] [--no-detect] [--json]';

async function main(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				timeout: { type: 'string', default: '5000' },
				'no-detect': { type: 'boolean', default: false },
				json: { type: 'boolean', default: false },
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
	const timeoutMs = Number(values.timeout);
	if (positionals.length !== 1 || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
		console.error(positionals.length !== 1 ? `give exactly one file.\n${USAGE}` : `--timeout must be a positive whole number of ms, not "${values.timeout}".`);
		return 2;
	}
	// npm runs scripts from the package root; INIT_CWD is where the user typed the command.
	if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
	const file = positionals[0];
	try {
		const result = await runSnippet(file, { timeoutMs, detect: !values['no-detect'] });
		console.log(values.json ? JSON.stringify(result, null, 2) : formatReport(result));
		return 0;
	} catch (e) {
		if (e instanceof UnrunnableError) {
			console.error(`cannot run ${e.message}`);
			return 2;
		}
		throw e;
	}
}

process.exitCode = await main(process.argv.slice(2));
