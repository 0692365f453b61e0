import { preview } from 'astro';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';

/** A built site served by `astro preview` on a free local port, and one Chromium to visit it. */
export interface SiteSession {
	/** `http://127.0.0.1:<port>` */
	origin: string;
	browser: Browser;
	stop(): Promise<void>;
}

/**
 * Serves `outDir` (built from the project at `root`) and starts Chromium, or reuses `browser` (one
 * browser per test file); `stop()` ends the server and the browser it started.
 */
export async function startSite(root: string, outDir: string, browser?: Browser): Promise<SiteSession> {
	const server = await preview({ root, outDir, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
	const own = browser
		? null
		: await launchChromium().catch(async (e) => {
				await server.stop();
				throw e;
			});
	return {
		origin: `http://127.0.0.1:${server.port}`,
		browser: browser ?? own!,
		async stop() {
			await own?.close();
			await server.stop();
		},
	};
}

/** Errors a page reported while it was open: console errors, uncaught exceptions, failed requests. */
export function collectPageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (m: ConsoleMessage) => {
		if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
	});
	page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
	// ERR_ABORTED is a request the browser cancelled itself, e.g. the previous page's on navigation.
	page.on('requestfailed', (r) => {
		if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
	});
	page.on('response', (r) => {
		if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
	});
	return errors;
}

/** A browser context in a given colour scheme, which Starlight follows when the reader picked none. */
export function themedContext(browser: Browser, theme: 'light' | 'dark', options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
	return browser.newContext({ colorScheme: theme, ...options });
}
