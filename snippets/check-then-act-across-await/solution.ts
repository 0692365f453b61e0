/**
 * Single flight: the first caller for a key starts the fetch; every caller awaits that one promise.
 *
 * Run it with `node solution.ts` (Node 22.18 or later runs TypeScript as it is) next to
 * workload.ts. It finishes in well under a second and prints what the workload ran and
 * checked: one fetch per key, however many callers asked.
 */
import { type Fetch, runWorkload, type Summary } from './workload.ts';

// #region cache
/** Values fetched from a slow service, kept after the first fetch. */
export class Cache {
	private readonly fetch: Fetch;
	private readonly values = new Map<string, string>();
	private readonly inFlight = new Map<string, Promise<string>>();

	constructor(fetch: Fetch) {
		this.fetch = fetch;
	}

// #region get
	async get(key: string): Promise<string> {
		const value = this.values.get(key);
		if (value !== undefined) return value;
		let flight = this.inFlight.get(key);
		// No await between this check and the line that claims the key:
		if (!flight) { // ✓
			flight = this.fetchOnce(key);
			this.inFlight.set(key, flight);
		}
		return flight;
	}
// #endregion get

	private async fetchOnce(key: string): Promise<string> {
		try {
			const value = await this.fetch(key);
			this.values.set(key, value);
			return value;
		} finally {
			this.inFlight.delete(key); // after a failure, the next caller fetches again
		}
	}
}
// #endregion cache

export async function main(): Promise<Summary> {
	return runWorkload(Cache);
}

if (import.meta.main) {
	console.log(await main());
}
