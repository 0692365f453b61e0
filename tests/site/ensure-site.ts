import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildEnv } from '../support/build-env.ts';
import { beforeAll, inject } from 'vitest';
import { ROOT } from '../support/paths.ts';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';

/** Builds the site into this run's folder with Astro's own CLI, once: site test files run one after another. */
beforeAll(async () => {
	// A content mistake is reported once, by the content tests, as file:line: field: reason. The site
	// tests (and the builds of project copies some of them make) would only repeat it.
	const problems = loadCatalog(ROOT).problems.length;
	if (problems) {
		const error = new Error(
			`site not built: the catalog has ${problems} content problem${problems === 1 ? '' : 's'}, listed by the content tests (npx vitest run --project content).`,
		);
		error.stack = error.message;
		throw error;
	}
	const outDir = inject('siteDir');
	if (existsSync(join(outDir, 'index.html'))) return;
	try {
		await promisify(execFile)(join(ROOT, 'node_modules/.bin/astro'), ['build', '--outDir', outDir], {
			cwd: ROOT,
			env: buildEnv(),
			maxBuffer: 64 * 1024 * 1024,
		});
	} catch (e) {
		const err = e as { stdout?: string; stderr?: string; message: string };
		throw new Error(`astro build failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
	}
}, 180_000);
