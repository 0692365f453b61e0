/**
 * Finds the async-mutex the snippet actually gets. A synchronous module resolution hook
 * (`module.registerHooks`) sees every `import … from 'async-mutex'` and `require('async-mutex')`
 * made by the snippet or anything it loads, resolved from the importing file by Node itself: the
 * ESM entry (index.mjs) for import, the CommonJS entry (lib/index.js) for require, from whichever
 * node_modules is nearest. Before the importing module runs, the hook loads that very file with
 * require() (which, for an ES module, shares the ESM loader's instance) and hands its exports over
 * for patching, so classes are patched before any lock is created.
 */
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'async-mutex';

/**
 * Calls `patch` once with the exports of each distinct async-mutex entry file the program
 * resolves. Errors from `patch` are reported on stderr and leave the module unpatched (no
 * detection for it), never break the import.
 */
export function onAsyncMutexLoaded(patch: (exports: Record<string, unknown>, url: string) => void): void {
	const seen = new Set<string>();
	const load = nodeModule.createRequire(import.meta.url);
	if (typeof nodeModule.registerHooks !== 'function') {
		process.stderr.write(`trap-catalog harness: Node ${process.versions.node} has no module.registerHooks (Node 22.15 or later has); async-mutex locks are not tracked, only quiescence and the timeout can decide.\n`);
		return;
	}
	nodeModule.registerHooks({
		resolve(specifier, context, nextResolve) {
			const result = nextResolve(specifier, context);
			if ((specifier === PACKAGE || specifier.startsWith(`${PACKAGE}/`)) && result.url.startsWith('file:') && !seen.has(result.url)) {
				seen.add(result.url);
				try {
					patch(load(fileURLToPath(result.url)) as Record<string, unknown>, result.url);
				} catch (error) {
					process.stderr.write(`trap-catalog harness: could not instrument ${result.url} (${(error as Error).message}); deadlock detection is off for its locks.\n`);
				}
			}
			return result;
		},
	});
}
