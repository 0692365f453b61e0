import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Page } from './html.ts';

/** Every HTML file of a built site, as paths relative to `siteDir`. */
export function htmlFiles(siteDir: string): string[] {
	return readdirSync(siteDir, { recursive: true })
		.map(String)
		.filter((f) => f.endsWith('.html'))
		.sort();
}

/** The file a site path is served from (`/traps/x/` → `traps/x/index.html`), or null when there is none. */
export function fileForPath(siteDir: string, path: string): string | null {
	const clean = decodeURIComponent(path).replace(/^\/+/, '');
	for (const candidate of [clean, join(clean, 'index.html')]) {
		const full = join(siteDir, candidate);
		if (existsSync(full) && statSync(full).isFile()) return candidate;
	}
	return null;
}

/** One link of a built page that leads nowhere. */
export interface BrokenLink {
	page: string;
	href: string;
	reason: string;
}

/**
 * Every internal link of a built site (`a`, `link`, `script`, `img`, `source`; relative, root-relative,
 * or absolute on `siteOrigin`) that names no served file, or an anchor no element of the target has.
 */
export function brokenInternalLinks(siteDir: string, siteOrigin: string): BrokenLink[] {
	const pages = new Map<string, Page>();
	const load = (file: string) => {
		if (!pages.has(file)) pages.set(file, Page.load(siteDir, file));
		return pages.get(file)!;
	};
	const broken: BrokenLink[] = [];
	for (const file of htmlFiles(siteDir)) {
		const page = load(file);
		const pagePath = `/${file.replace(/index\.html$/, '')}`;
		const linking = ['a[href]', 'link[href]', 'script[src]', 'img[src]', 'source[src]'].flatMap((selector) => page.all(selector));
		for (const node of linking) {
			const href = page.attr(node, 'href') ?? page.attr(node, 'src')!;
			if (/^(mailto|tel|javascript|data):/.test(href)) continue;
			let url: URL;
			try {
				url = new URL(href, siteOrigin + pagePath);
			} catch {
				broken.push({ page: file, href, reason: 'not a URL' });
				continue;
			}
			if (url.origin !== siteOrigin) continue;
			const target = fileForPath(siteDir, posix.normalize(url.pathname));
			if (!target) {
				broken.push({ page: file, href, reason: 'no such file in the built site' });
				continue;
			}
			if (url.hash.length > 1 && target.endsWith('.html')) {
				const id = decodeURIComponent(url.hash.slice(1));
				const targetPage = load(target);
				if (!targetPage.all('[id]').some((e) => targetPage.attr(e, 'id') === id)) {
					broken.push({ page: file, href, reason: `${target} has no element with id "${id}"` });
				}
			}
		}
	}
	return broken;
}

/** The text of a built file. */
export function readBuilt(siteDir: string, file: string): string {
	return readFileSync(join(siteDir, file), 'utf8');
}
