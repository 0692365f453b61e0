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

/** How long Pagefind's search box may take to appear: Starlight mounts it when the page is first idle after loading. */
const SEARCH_READY_MS = 45_000;

/**
 * Opens the search dialog from its button and resolves once Pagefind's search box is in it.
 * Starlight mounts the box in an idle callback after the page loaded, so it can come after the
 * dialog opened; if it never comes, the error says what the page had loaded, for the next look.
 */
export async function openSearch(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Search' }).click();
	try {
		await page.locator('#starlight__search input').waitFor({ timeout: SEARCH_READY_MS });
	} catch (error) {
		const state = await page.evaluate(() => ({
			readyState: document.readyState,
			dialogOpen: document.querySelector('dialog')?.open ?? false,
			pagefindMounted: Boolean(document.querySelector('#starlight__search .pagefind-ui')),
			searchElementDefined: Boolean(customElements.get('site-search')),
			loaded: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
		}));
		throw new Error(`Pagefind's search box did not appear within ${SEARCH_READY_MS} ms of opening the search dialog: ${JSON.stringify(state)} (${(error as Error).message.split('\n')[0]})`);
	}
}
