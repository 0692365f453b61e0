/**
 * A mutex leaked on an early throw: execute() validates the command after mutex.acquire() and before its try.
 *
 * Run it with `node failure.ts` (Node 22.18 or later) with async-mutex installed. Its work never
 * finishes: the first request throws with the mutex held, the second waits for a mutex that no
 * one will release. With nothing else left to do, Node exits with code 13 and "Warning: Detected
 * unsettled top-level await"; main() never returned.
 */
import { Mutex } from 'async-mutex';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A client on one connection: one command on the wire at a time. */
export class Client {
	private readonly mutex = new Mutex();
	readonly sent: string[] = [];

	// #region client
	async execute(command: string): Promise<string> {
		const release = await this.mutex.acquire();
		if (command.trim() === '') {
			throw new Error('empty command'); // ❌ throws with the mutex held
		}
		try {
			this.sent.push(command);
			await nextTurn(); // the command goes on the wire, the reply comes back
			return `OK ${command}`;
		} finally {
			release();
		}
	}
	// #endregion client
}

export async function main(): Promise<string[]> {
	const client = new Client();
	// Two requests, one after the other.
	const first = await client.execute('   ').catch((error: Error) => `rejected: ${error.message}`);
	const second = await client.execute('PING'); // waits for the mutex the first request kept
	return [first, second];
}

if (import.meta.main) {
	console.log(await main());
}
