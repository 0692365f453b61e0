/**
 * The report channel: JSON lines on the runner's file descriptor, one `verdict` at most. The
 * "verdict written" flag lives in shared memory, so the watchdog thread and the main thread can
 * never both write one.
 */
import { writeSync } from 'node:fs';
import type { HarnessMessage, VerdictMessage } from '../protocol.ts';

/** Slots of {@link Channel.shared} as an Int32Array: [0] verdict written, [1] main() started; Float64 at byte 8: start time. */
export const SHARED_BYTES = 16;

export interface Channel {
	/** Writes a non-verdict message. */
	send(msg: Exclude<HarnessMessage, VerdictMessage>): void;
	/** Writes the verdict unless one was written already (by this thread or the watchdog); true when this call wrote it. */
	verdict(msg: Omit<VerdictMessage, 'type'>): boolean;
	/** True once a verdict was written by anyone. */
	decided(): boolean;
	/** Marks the run as decided without a verdict (unrunnable), releasing the watchdog. */
	close(): void;
	/** Memory shared with the watchdog. */
	shared: SharedArrayBuffer;
}

/** Opens the channel on `fd`. Writes are synchronous, so nothing is lost when the process exits right after. */
export function openChannel(fd: number): Channel {
	const shared = new SharedArrayBuffer(SHARED_BYTES);
	const state = new Int32Array(shared, 0, 2);
	const write = (msg: unknown) => {
		try {
			writeSync(fd, `${JSON.stringify(msg)}\n`);
		} catch (error) {
			// The runner is gone (or fd is not a pipe to it): nobody can hear a verdict any more.
			process.stderr.write(`trap-catalog harness: cannot report on fd ${fd} (${(error as Error).message}); exiting.\n`);
			process.exit(3);
		}
	};
	const claim = () => {
		const won = Atomics.compareExchange(state, 0, 0, 1) === 0;
		Atomics.store(state, 1, 1);
		Atomics.notify(state, 0);
		Atomics.notify(state, 1);
		return won;
	};
	return {
		shared,
		send: write,
		verdict(msg) {
			if (!claim()) return false;
			write({ type: 'verdict', ...msg });
			return true;
		},
		decided: () => Atomics.load(state, 0) !== 0,
		close: () => void claim(),
	};
}
