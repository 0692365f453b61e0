/**
 * Lock-order inversion with async-mutex: expire() and autosync() each hold one Mutex and wait for the other.
 *
 * Run it with `node failure.ts` (Node 22.18 or later) with async-mutex installed. Its work never
 * finishes: `expire` holds expireMutex and waits for publishMutex, `autosync` holds publishMutex
 * and waits for expireMutex. A two-party barrier makes both take their first mutex before either
 * takes its second. With nothing else left to do, Node exits with code 13 and "Warning: Detected
 * unsettled top-level await"; main() never returned.
 */
import { Mutex } from 'async-mutex';

/** Package files in the pool, and the index of the published ones. */
export class Archive {
	readonly expireMutex = new Mutex(); // no file leaves the pool while a job uses it
	readonly publishMutex = new Mutex(); // one writer of the published index
	readonly pool = new Set<string>();
	readonly published = new Set<string>();
	private readonly checkpoint: () => Promise<void>;

	constructor(checkpoint: () => Promise<void>) {
		this.checkpoint = checkpoint;
	}

	async expire(pkg: string): Promise<void> {
		await this.expireMutex.runExclusive(async () => { // 1st: expireMutex
			await this.checkpoint();
			await this.publishMutex.runExclusive(async () => { // 2nd: publishMutex
				this.published.delete(pkg);
				this.pool.delete(pkg);
			});
		});
	}

	// #region archive
	async autosync(pkg: string): Promise<void> {
		await this.publishMutex.runExclusive(async () => { // 1st: publishMutex
			await this.checkpoint();
			await this.expireMutex.runExclusive(async () => { // ❌ 2nd: expireMutex, the reverse order
				this.pool.add(pkg);
				this.published.add(pkg);
			});
		});
	}
	// #endregion archive
}

/** A barrier for `parties` callers: each call settles once all of them have called. */
function barrier(parties: number): () => Promise<void> {
	let arrived = 0;
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return () => {
		arrived += 1;
		if (arrived === parties) open();
		return opened;
	};
}

export async function main(): Promise<number> {
	const archive = new Archive(barrier(2)); // each job now holds its first mutex
	await Promise.all([archive.expire('pkg-1'), archive.autosync('pkg-2')]);
	return archive.published.size;
}

if (import.meta.main) {
	console.log(await main());
}
