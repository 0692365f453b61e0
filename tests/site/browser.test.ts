import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preview } from 'astro';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { extractRegion } from '../../src/catalog/regions.ts';
import { browserTestsCanRun, launchChromium } from '../support/chromium.ts';
import { ROOT } from '../support/paths.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const canRun = browserTestsCanRun();

describe.skipIf(!canRun)('in a browser', () => {
	let server: Awaited<ReturnType<typeof preview>>;
	let browser: Browser;
	let base: string;

	beforeAll(async () => {
		server = await preview({ root: ROOT, outDir: inject('siteDir'), logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
		base = `http://127.0.0.1:${server.port}`;
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	async function open(path: string): Promise<Page> {
		const context = await browser.newContext();
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
		const page = await context.newPage();
		await page.goto(base + path);
		return page;
	}

	it('lets a reader tick checklist items, and remembers them on reload', async () => {
		const page = await open(`/traps/${SEED}/`);
		const first = page.getByRole('checkbox', { name: 'Map the call graph of all methods that will hold the lock' });
		await page.getByText('Map the call graph of all methods that will hold the lock').click();
		expect(await first.isChecked()).toBe(true);
		await page.reload();
		expect(await first.isChecked()).toBe(true);
		expect(await page.getByRole('checkbox').count()).toBe(5);
	});

	it('copies exactly the shown code, without line numbers', async () => {
		const page = await open(`/traps/${SEED}/`);
		await page.getByRole('button', { name: 'Copy the store region of failure.py' }).click();
		await expect.poll(() => page.getByRole('button', { name: 'Copy the store region of failure.py' }).textContent()).toBe('Copied');
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		const source = readFileSync(join(ROOT, 'snippets', SEED, 'failure.py'), 'utf8');
		expect(copied).toBe(extractRegion(source, 'failure.py', 'store').map((l) => l.text).join('\n'));
	});

	it('shows the whole file on its own page, at the region, one click away', async () => {
		const page = await open(`/traps/${SEED}/`);
		await page.locator('figure[data-snippet$="/failure.py"] a.snippet-whole-link').click();
		await page.waitForURL(/\/files\/failure\.py\/#L\d+$/);
		const pre = page.locator('pre.astro-code');
		expect(await pre.isVisible()).toBe(true);
		expect(await pre.textContent()).toContain('async def main() -> dict:');
		const target = page.locator('.line:target');
		expect(await target.count()).toBe(1);
		expect(await target.isVisible()).toBe(true);
	});

	it('loads a module shown whole when the reader opens it', async () => {
		const page = await open(`/traps/${SEED}/`);
		const details = page.locator('figure[data-snippet$="/workload.py"] details.snippet-deferred');
		expect(await details.locator('pre').count()).toBe(0);
		await details.locator('summary').click();
		await details.locator('pre.astro-code').waitFor();
		const source = readFileSync(join(ROOT, 'snippets', SEED, 'workload.py'), 'utf8');
		const lines = await details.locator('.line').allTextContents();
		expect(lines.join('\n')).toBe(extractRegion(source, 'workload.py').map((l) => l.text).join('\n'));
	});

	it('finds the trap through search', async () => {
		const page = await open('/');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.locator('#starlight__search input').fill('reentrant');
		const result = page.locator(`a[href*="/traps/${SEED}/"]`).first();
		await result.waitFor({ timeout: 10_000 });
		expect(await result.textContent()).toContain('asyncio.Lock');
	});
});
