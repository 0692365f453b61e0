import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { ROOT } from '../support/paths.ts';

const programs = loadCatalog(ROOT).pages.flatMap((page) =>
	(page.data?.snippets ?? []).filter((s) => s.role === 'program').map((s) => ({ trap: page.id, ...s })),
);

describe.concurrent('every snippet does what its page declares', () => {
	it.each(programs)('$trap/$file: $expect', async ({ trap, file, expect: expected, timeoutMs }) => {
		const result = await runSnippet(join(ROOT, 'snippets', trap, file), timeoutMs);
		const observed = `${result.outcome} after ${Math.round(result.elapsedMs)} ms\n${result.stderr}`;
		if (expected === 'deadlock' || expected === 'timeout') {
			expect(result.outcome, observed).toBe('timeout');
			expect(result.elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
		} else {
			expect(result.outcome, observed).toBe(expected);
		}
	});
});
