/**
 * Check-then-act across an await: every caller that checks before the first fetch returns fetches too.
 *
 * Run it with `node failure.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts. It throws InvariantBroken: with 100 callers asking for 5 keys at once, each key
 * is fetched once per caller that asked for it, because each of them found the key missing
 * before the first fetch came back.
 */
import { type Fetch, runWorkload, type Summary } from './workload.ts';

// #region cache
/** Values fetched from a slow service, kept after the first fetch. */
export class Cache {
	private readonly fetch: Fetch;
	private readonly values = new Map<string, string>();

	constructor(fetch: Fetch) {
		this.fetch = fetch;
	}

// #region get
	async get(key: string): Promise<string> {
		if (!this.values.has(key)) { // check...
			// ...act after an await: every caller that checked meanwhile fetches too
			this.values.set(key, await this.fetch(key)); // ❌
		}
		return this.values.get(key)!;
	}
// #endregion get
}
// #endregion cache

export async function main(): Promise<Summary> {
	return runWorkload(Cache);
}

if (import.meta.main) {
	console.log(await main());
}
