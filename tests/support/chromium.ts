import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium the browser tests drive, or null when this machine has none. */
export function findChromium(): string | null {
	return CANDIDATES.find((p): p is string => !!p && existsSync(p)) ?? null;
}

/** How to get Chromium, printed when the browser tests cannot run. */
export const CHROMIUM_NOTICE =
	'Browser tests skipped: no Chromium found. Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) ' +
	'or point CHROMIUM_PATH at a Chrome/Chromium binary. With CI=true a missing Chromium fails the run instead.';

/**
 * Whether the browser tests run here: true with Chromium present; false (after printing how to
 * get it) without it; and a thrown error without it on CI, where a missing tool is a failure.
 */
export function browserTestsCanRun(): boolean {
	if (findChromium()) return true;
	if (process.env.CI === 'true') throw new Error(CHROMIUM_NOTICE.replace('Browser tests skipped', 'Browser tests cannot run on CI'));
	console.warn(CHROMIUM_NOTICE);
	return false;
}

/** Starts headless Chromium the way this machine allows (no sandbox as root, no background network). */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: findChromium()!,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}
