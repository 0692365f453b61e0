// bench/weight: what a reader downloads to show each trap page the first time, nothing cached.
//
//   npm run bench:weight -- [<built site folder>]      (default: dist, after `npm run build`)
//
// Prints per trap page the raw and gzipped size of its HTML, its module scripts (with their static
// imports) and its screen stylesheets, and the inline script code already inside the HTML.
// The budgets (issue 10) are checked by tests/site/page-weight.test.ts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLoad, gzipTotal } from '../tests/support/page-weight.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const site = process.argv[2] ?? join(ROOT, 'dist');
const base = process.env.BASE_PATH ?? '/';
if (!existsSync(join(site, 'traps'))) throw new Error(`${site} holds no built trap pages; run \`npm run build\` first or name a built site folder.`);

const kB = (n: number) => (n / 1000).toFixed(1);
const raw = (fs: Array<{ raw: number }>) => fs.reduce((n, f) => n + f.raw, 0);
console.log(`bench/weight: first load of each trap page in ${site}, kB raw / gzipped\n`);
console.log(['page'.padEnd(48), 'HTML'.padStart(14), 'JS'.padStart(16), 'CSS'.padStart(14), 'inline JS'.padStart(12)].join(' '));
for (const name of readdirSync(join(site, 'traps')).sort()) {
	const load = await firstLoad(site, `traps/${name}/index.html`, base);
	console.log(
		[
			name.padEnd(48),
			`${kB(load.html.raw)} / ${kB(load.html.gzip)}`.padStart(14),
			`${kB(raw(load.js))} / ${kB(gzipTotal(load.js))} (${load.js.length})`.padStart(16),
			`${kB(raw(load.css))} / ${kB(gzipTotal(load.css))}`.padStart(14),
			`${kB(load.inlineJs.raw)} / ${kB(load.inlineJs.gzip)}`.padStart(12),
		].join(' '),
	);
}
