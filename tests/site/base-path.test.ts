import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { buildEnv } from '../support/build-env.ts';
import { browserTestsCanRun, launchChromium } from '../support/chromium.ts';
import { openSearch } from '../support/site-server.ts';
import { Page } from '../support/html.ts';
import { ROOT } from '../support/paths.ts';

const BASE = '/kb/traps/';
const SITE_URL = `https://intranet.example${BASE}`;
const SEED = 'asyncio-lock-non-reentrant-deadlock';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

/**
 * Serves `dir` under BASE only, as an intranet web server hosting the catalog at a sub-path
 * would: anything outside BASE is a 404, so a link that ignores the base path is caught.
 */
function serveUnderBase(dir: string): Promise<Server> {
	const server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		if (!path.startsWith(BASE)) {
			res.writeHead(404).end(`outside ${BASE}`);
			return;
		}
		let file = normalize(join(dir, path.slice(BASE.length)));
		if (!file.startsWith(dir)) return void res.writeHead(403).end();
		if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
		if (!existsSync(file)) return void res.writeHead(404).end('not found');
		res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'text/plain' }).end(readFileSync(file));
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe(`the site built with SITE_URL=${SITE_URL} (base path ${BASE})`, () => {
	const outDir = mkdtempSync(join(tmpdir(), 'trap-catalog-base-'));
	let server: Server;
	let origin: string;
	const get = async (url: string) => {
		const res = await fetch(url.startsWith('http') ? url : origin + url);
		return { status: res.status, text: await res.text() };
	};
	/** A URL of the published site as this test server serves it. */
	const local = (url: string) => (url.startsWith(SITE_URL) ? url.slice('https://intranet.example'.length) : url);

	beforeAll(async () => {
		await promisify(execFile)(join(ROOT, 'node_modules/.bin/astro'), ['build', '--outDir', outDir], {
			cwd: ROOT,
			// SITE_URL alone: the base path is taken from its path.
			env: { ...buildEnv(), SITE_URL, BASE_PATH: undefined },
			maxBuffer: 64 << 20,
		}).catch((e: { stdout?: string; stderr?: string }) => {
			throw new Error(`astro build with a base path failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
		});
		server = await serveUnderBase(outDir);
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}, 180_000);
	afterAll(() => {
		server?.close();
		rmSync(outDir, { recursive: true, force: true });
	});

	it('serves every page, and every link, stylesheet, script, image and download on them, under the base path', async () => {
		const seen = new Set<string>();
		const queue = [BASE];
		const broken: string[] = [];
		while (queue.length) {
			const path = queue.shift()!;
			if (seen.has(path)) continue;
			seen.add(path);
			const { status, text } = await get(path);
			if (status !== 200) {
				broken.push(`${path} (${status})`);
				continue;
			}
			if (!path.endsWith('/') && !path.endsWith('.html')) continue;
			const page = new Page(text);
			for (const el of ['a[href]', 'link[href]', 'script[src]', 'img[src]'].flatMap((sel) => page.all(sel))) {
				const raw = page.attr(el, 'href') ?? page.attr(el, 'src')!;
				const url = new URL(local(raw), origin + path);
				if (url.origin !== origin) continue;
				if (!url.pathname.startsWith(BASE)) broken.push(`${path}: ${raw} ignores the base path`);
				else queue.push(url.pathname);
			}
		}
		expect(broken).toEqual([]);
		for (const trap of loadCatalog(ROOT).pages) {
			for (const p of [`${BASE}traps/${trap.id}/`, `${BASE}traps/${trap.id}/card.md`, `${BASE}guides/add-a-trap/`]) expect(seen, p).toContain(p);
		}
		expect([...seen].some((p) => p.startsWith(`${BASE}snippets/${SEED}/`))).toBe(true);
	});

	it('publishes cards, catalog.json and llms.txt whose URLs all resolve under the base path', async () => {
		const urls = new Set<string>();
		const llms = (await get(`${BASE}llms.txt`)).text;
		for (const m of llms.matchAll(/\]\((https?:[^)]+)\)/g)) urls.add(m[1]);
		const catalog = JSON.parse((await get(`${BASE}catalog.json`)).text);
		urls.add(catalog.$schema);
		for (const t of catalog.traps) for (const u of [t.url, t.cardUrl, t.markdownUrl, ...t.snippets.map((s: { url: string }) => s.url)]) urls.add(u);
		const card = (await get(`${BASE}traps/${SEED}/card.md`)).text;
		for (const m of card.matchAll(/\]\((https:\/\/intranet\.example[^)]+)\)/g)) urls.add(m[1]);
		expect(card).toContain(`generated from ${SITE_URL}traps/${SEED}/`);
		expect([...urls].length).toBeGreaterThan(5);
		for (const u of urls) {
			expect(u.startsWith(SITE_URL), u).toBe(true);
			expect((await get(local(u))).status, u).toBe(200);
		}
	});

	it('offers each snippet download as the exact file', async () => {
		const { text } = await get(`${BASE}traps/${SEED}/`);
		const page = new Page(text);
		const hrefs = page.all('.snippet-actions a[download]').map((a) => page.attr(a, 'href')!);
		expect(hrefs.length).toBeGreaterThan(0);
		for (const href of hrefs) {
			expect(href.startsWith(`${BASE}snippets/${SEED}/`), href).toBe(true);
			expect((await get(href)).text).toBe(readFileSync(join(ROOT, href.slice(BASE.length)), 'utf8'));
		}
	});

	describe.skipIf(!browserTestsCanRun())('in a browser', () => {
		let browser: Browser;
		beforeAll(async () => {
			browser = await launchChromium();
		});
		afterAll(async () => {
			await browser?.close();
		});

		it('finds a trap through search, and its result opens under the base path', async () => {
			const page = await browser.newPage();
			await page.goto(origin + BASE);
			await openSearch(page);
			await page.locator('#starlight__search input').fill('reentrant');
			const result = page.locator(`#starlight__search a[href*="/traps/${SEED}/"]`).first();
			await result.waitFor({ timeout: 10_000 });
			expect(await result.getAttribute('href')).toMatch(new RegExp(`^${BASE}traps/${SEED}/`));
			await result.click();
			await page.waitForURL(`**${BASE}traps/${SEED}/**`);
			expect(await page.locator('h1').first().textContent()).toContain('asyncio.Lock');
		});
	});
});
