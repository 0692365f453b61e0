// The programs the overhead benches run by default: every program of the seed trap that its page
// declares `completed` (its solution workloads, issue 6's "seed's solution workloads").
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/load-catalog.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 'asyncio-lock-non-reentrant-deadlock';

/** Absolute paths of the seed page's `completed` programs, in page order. */
export function seedPrograms(): string[] {
	return loadCatalog(ROOT)
		.pages.find((p) => p.id === SEED)!
		.data!.snippets.filter((s) => s.role === 'program' && s.expect === 'completed')
		.map((s) => join(ROOT, 'snippets', SEED, s.file));
}
