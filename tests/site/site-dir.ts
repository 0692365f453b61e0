import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Where this test run builds the site (see ensure-site.ts). */
		siteDir: string;
	}
}

/**
 * Reserves a folder for this run's site build. Global setups run before any test, so the build
 * itself happens in ensure-site.ts, once the snippet runs (an earlier project group) wrote results.
 */
export default function reserveSiteDir(project: TestProject) {
	const outDir = mkdtempSync(join(tmpdir(), 'trap-catalog-site-'));
	project.provide('siteDir', outDir);
	return () => rmSync(outDir, { recursive: true, force: true });
}
