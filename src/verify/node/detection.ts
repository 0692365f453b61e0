/**
 * Everything detection installs before the snippet is imported, in one place: the promise-link
 * guard, the async-mutex patch (through the module hook), unref tracking, and the cycle detector.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame, Witness } from '../witness.ts';
import { innermostName, type ChainContext } from './chain.ts';
import { startDetector, type CycleProof, type Detector } from './detector.ts';
import { createLockRegistry, type LockRegistry } from './lock-registry.ts';
import { onAsyncMutexLoaded } from './module-hook.ts';
import { patchMutexClass } from './mutex-patch.ts';
import { installPromiseLinkGuard } from './promise-links.ts';
import { trackUnrefs } from './unref-tracker.ts';
import { buildWitness } from './witness-builder.ts';

export interface Detection {
	registry: LockRegistry;
	detector: Detector;
	chain: ChainContext;
	/** The witness right now, for a verdict reached by `reason`. */
	witness(reason: 'cycle' | 'quiescence' | 'timeout', proof: CycleProof | null, timeoutMs: number, main: Frame | null): Witness;
}

/** The harness's own folder: its frames never appear in a witness. */
export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Installs detection for a snippet in `snippetDir`; `onProof` is called once when a wait-for
 * cycle is proven. Must run before the snippet is imported.
 */
export function installDetection(snippetDir: string, onProof: (proof: CycleProof) => void): Detection {
	const chain: ChainContext = { snippetDir, hiddenDirs: [`${HARNESS_DIR}/`] };
	const registry = createLockRegistry((frames) => innermostName(frames, chain, 'main'));
	installPromiseLinkGuard();
	trackUnrefs();
	onAsyncMutexLoaded((exports) => {
		if (typeof exports.Mutex !== 'function') return;
		const libraryDir = patchMutexClass(exports.Mutex as { prototype: object }, registry, snippetDir);
		if (libraryDir && !chain.hiddenDirs.includes(`${libraryDir}/`)) chain.hiddenDirs.push(`${libraryDir}/`);
	});
	const detector = startDetector(registry, onProof);
	return {
		registry,
		detector,
		chain,
		witness: (reason, proof, timeoutMs, main) => buildWitness({ registry, proof, reason, chain, timeoutMs, main }),
	};
}
