import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** True while `pid` runs: it exists and is not a zombie waiting to be reaped (Linux /proc). */
function running(pid: number): boolean {
	try {
		return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return false;
	}
}

/**
 * True once `pid` no longer runs (gone, or a zombie); polls its state for up to 5 s. A SIGKILL
 * sent by the runner takes effect when the kernel next schedules the process, which on a loaded
 * machine is not at once: the state is what is waited for.
 */
export async function gone(pid: number): Promise<boolean> {
	for (let i = 0; i < 100; i++) {
		if (!running(pid)) return true;
		await delay(50);
	}
	return false;
}
