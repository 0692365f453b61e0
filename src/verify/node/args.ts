/** The harness's command line: `--report-fd 3 --timeout-ms <N> [--no-detect] [--exit-before-main] <snippet>`. */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface HarnessArgs {
	reportFd: number;
	timeoutMs: number;
	detect: boolean;
	/**
	 * Load and install everything, then exit (status 0, no verdict) right before main() would start:
	 * bench/instructions.ts subtracts such a run from a whole one to count main()'s instructions.
	 */
	exitBeforeMain: boolean;
	/** Absolute path of the snippet. */
	file: string;
}

export const USAGE = 'usage: node src/verify/node/harness.ts --report-fd <fd> --timeout-ms <ms> [--no-detect] [--exit-before-main] <snippet.ts>';

/** Parses the harness's arguments; throws an Error saying what is wrong (with {@link USAGE}) otherwise. */
export function parseHarnessArgs(argv: string[]): HarnessArgs {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			'report-fd': { type: 'string' },
			'timeout-ms': { type: 'string' },
			'no-detect': { type: 'boolean', default: false },
			'exit-before-main': { type: 'boolean', default: false },
		},
	});
	const reportFd = Number(values['report-fd']);
	const timeoutMs = Number(values['timeout-ms']);
	if (!Number.isInteger(reportFd) || reportFd < 0) throw new Error(`--report-fd must be a file descriptor number, not "${values['report-fd']}".\n${USAGE}`);
	if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout-ms must be a positive whole number, not "${values['timeout-ms']}".\n${USAGE}`);
	if (positionals.length !== 1) throw new Error(`give exactly one snippet file.\n${USAGE}`);
	const file = isAbsolute(positionals[0]) ? positionals[0] : resolve(positionals[0]);
	return { reportFd, timeoutMs, detect: !values['no-detect'], exitBeforeMain: values['exit-before-main'], file };
}
