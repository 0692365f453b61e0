import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { ROOT } from '../support/paths.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The built site of this test run. */
		siteDir: string;
	}
}

/** Builds the site once for the site tests, with Astro's own CLI, into a temporary folder. */
export default async function buildSite(project: TestProject) {
	const outDir = mkdtempSync(join(tmpdir(), 'trap-catalog-site-'));
	try {
		await promisify(execFile)(join(ROOT, 'node_modules/.bin/astro'), ['build', '--outDir', outDir], {
			cwd: ROOT,
			// Vitest sets NODE_ENV=test, which would make Astro build a development site (no search).
			env: { ...process.env, NODE_ENV: 'production' },
			maxBuffer: 64 * 1024 * 1024,
		});
	} catch (e) {
		const err = e as { stdout?: string; stderr?: string; message: string };
		throw new Error(`astro build failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
	}
	project.provide('siteDir', outDir);
	return () => rmSync(outDir, { recursive: true, force: true });
}
