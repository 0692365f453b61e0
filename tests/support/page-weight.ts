import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { init, parse as parseModule } from 'es-module-lexer';
import { ELEMENT_NODE, parse, walkSync } from 'ultrahtml';

/** One file a page loads, with its size as stored and as sent gzipped. */
export interface LoadedFile {
	path: string;
	raw: number;
	gzip: number;
}

/** What a reader's browser downloads to show a page the first time, nothing cached. */
export interface FirstLoad {
	html: LoadedFile;
	/** Module scripts the page names and every module they import statically (not `import()`). */
	js: LoadedFile[];
	/** Stylesheets that apply on screen (`media="print"` ones are left out: they do not block showing the page). */
	css: LoadedFile[];
	/** Code inside `<script>` elements of the HTML, already counted in `html`. */
	inlineJs: { raw: number; gzip: number };
}

/** Sizes of `text` as stored and gzipped (level 9, as a static host precompresses). */
export function sizes(text: string | Buffer): { raw: number; gzip: number } {
	const buf = typeof text === 'string' ? Buffer.from(text) : text;
	return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}

/** The sum of the gzipped sizes of `files`. */
export function gzipTotal(files: LoadedFile[]): number {
	return files.reduce((n, f) => n + f.gzip, 0);
}

/** `/base/_astro/x.js` → `_astro/x.js`: a site-absolute URL as a path inside the built site. */
function sitePath(href: string, base: string): string | null {
	if (/^[a-z]+:|^\/\//i.test(href)) return null;
	const path = href.split(/[?#]/)[0];
	const root = base.replace(/\/?$/, '/');
	if (!path.startsWith(root)) throw new Error(`${href} is outside the site's base path ${root}`);
	return path.slice(root.length);
}

/**
 * Everything the page at `pagePath` (e.g. `traps/x/index.html`) of the site built in `siteDir`
 * loads at first: its HTML, its screen stylesheets, its module scripts and their static imports,
 * each file counted once. Throws naming the file when the page refers to one that was not built.
 */
export async function firstLoad(siteDir: string, pagePath: string, base = '/'): Promise<FirstLoad> {
	await init;
	const html = readFileSync(join(siteDir, pagePath), 'utf8');
	const doc = parse(html);
	const css: string[] = [];
	const scripts: string[] = [];
	let inline = '';
	walkSync(doc, (node) => {
		if (node.type !== ELEMENT_NODE) return;
		const a = node.attributes ?? {};
		if (node.name === 'link' && a.rel === 'stylesheet' && (a.media ?? 'all') !== 'print') css.push(a.href);
		if (node.name === 'script') {
			if (a.src) scripts.push(a.src);
			else inline += (node.children ?? []).map((c: { value?: string }) => c.value ?? '').join('');
		}
	});
	const load = (path: string): LoadedFile => {
		const file = join(siteDir, path);
		if (!existsSync(file)) throw new Error(`${pagePath} loads ${path}, which is not in the built site`);
		return { path, ...sizes(readFileSync(file)) };
	};
	const js = new Map<string, LoadedFile>();
	const visit = (path: string) => {
		if (js.has(path)) return;
		js.set(path, load(path));
		const [imports] = parseModule(readFileSync(join(siteDir, path), 'utf8'));
		for (const imp of imports) {
			// Static imports only (d === -1): a dynamic import() loads later, when the code asks for it.
			if (imp.d !== -1 || !imp.n) continue;
			const target = imp.n.startsWith('/') ? sitePath(imp.n, base) : join(path, '..', imp.n);
			if (target) visit(target);
		}
	};
	for (const src of scripts) {
		const path = sitePath(src, base);
		if (path) visit(path);
	}
	return {
		html: { path: pagePath, ...sizes(html) },
		js: [...js.values()],
		css: css.map((href) => sitePath(href, base)).filter((p): p is string => p !== null).map(load),
		inlineJs: sizes(inline),
	};
}
