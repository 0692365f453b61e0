/**
 * Everything detection installs before the snippet is imported, in one place: the promise-link
 * guard, the async-mutex patch (Mutex and Semaphore, through the module hook), unref tracking, the
 * lock-order log and the wait-for graph.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame, PotentialDeadlock, Witness } from '../facts.ts';
import { innermostName, isUserFrame, readableName, toChain, type ChainContext } from './chain.ts';
import { framePath } from './source-files.ts';
import { createDetector, type CycleProof, type Detector } from './detector.ts';
import { createLockRegistry, type LockRegistry } from './lock-registry.ts';
import { onAsyncMutexLoaded } from './module-hook.ts';
import { labelLock } from './lock-label.ts';
import { patchAsyncMutex } from './mutex-patch.ts';
import { installPromiseLinkGuard } from './promise-links.ts';
import { trackUnrefs } from './unref-tracker.ts';
import { buildWitness } from './witness-builder.ts';

export interface Detection {
	registry: LockRegistry;
	detector: Detector;
	chain: ChainContext;
	/** The witness right now, for a verdict reached by `reason`. */
	witness(reason: 'cycle' | 'quiescence' | 'timeout', proof: CycleProof | null, timeoutMs: number, main: Frame | null): Witness;
	/** Lock-order inversions seen so far (lockdep-style). */
	potentialDeadlocks(): PotentialDeadlock[];
}

/** The harness's own folder: its frames never appear in a witness. */
export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/** Installs detection for a snippet in `snippetDir`. Must run before the snippet is imported. */
export function installDetection(snippetDir: string, file: string | null = null): Detection {
	const chain: ChainContext = { snippetDir, hiddenDirs: [`${HARNESS_DIR}/`] };
	const registry = createLockRegistry(
		(frames) => innermostName(frames, chain, 'main'),
		(record) => (record.name ??= labelLock(record, chain).name),
		(frames) => toChain(frames, chain).at(-1) ?? null,
		(frames) => frames.filter((f) => isUserFrame(f, chain)),
	);
	installPromiseLinkGuard();
	trackUnrefs();
	onAsyncMutexLoaded((exports) => {
		const libraryDir = patchAsyncMutex(exports, registry, snippetDir);
		if (libraryDir && !chain.hiddenDirs.includes(`${libraryDir}/`)) chain.hiddenDirs.push(`${libraryDir}/`);
	});
	const combinator = /^Promise\.(all|allSettled|any)$/;
	const detector = createDetector(registry, file === null ? null : {
		keep: (frames) => frames.filter((f) => isUserFrame(f, chain) || (f.native && f.async && combinator.test(f.function))),
		isMain: (f) => readableName(f.function) === 'main' && framePath(f.file) === file,
	});
	return {
		registry,
		detector,
		chain,
		witness: (reason, proof, timeoutMs, main) => buildWitness({ registry, proof, reason, chain, timeoutMs, main }),
		potentialDeadlocks: () => registry.order.potentialDeadlocks(),
	};
}
