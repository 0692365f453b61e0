// bench/build: how the catalog's build scales against stock Starlight with the same pages.
//
//   npm run bench:build -- [--sizes 1,100,1000] [--trap <id>] [--keep] [--only catalog|stock]
//
// For each size N, builds (one after the other, never at once) in temporary folders outside the
// repository: the catalog with N copies of a trap (page, snippets and verification records), and a
// stock Starlight 0.42 site (expressive-code on, `src/content/docs`) with the same N pages as plain
// Markdown, the same code as fenced blocks. Prints build seconds, seconds per trap page, dist size,
// peak memory (GNU time's maximum resident set size of the build) and the per-page ratios. CPU
// seconds (user + system) are reported beside wall seconds: on a shared machine they vary less.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import yaml from 'js-yaml';
import { splitFrontmatter } from '../src/catalog/frontmatter.ts';
import { catalogCopies, stockSite, type FileMap, type TrapSource } from './build-sites.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '1,100,1000' },
		trap: { type: 'string', default: 'asyncio-lock-non-reentrant-deadlock' },
		keep: { type: 'boolean', default: false },
		// Build one of the two sites only (to profile it); no ratio is printed then.
		only: { type: 'string' },
	},
});
const sizes = values.sizes.split(',').map((s) => {
	const n = Number(s);
	if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes: "${s}" is not a positive whole number; write e.g. --sizes 1,100,1000.`);
	return n;
});
if (!existsSync(TIME)) throw new Error(`${TIME} not found: bench/build measures peak memory with GNU time; install it (Debian: apt-get install time).`);

/** Reads the trap to copy from the repository: its page, snippet files and any verification records. */
function readTrap(id: string): TrapSource {
	const pagePath = join(ROOT, 'content/traps', `${id}.mdx`);
	if (!existsSync(pagePath)) throw new Error(`--trap ${id}: content/traps/${id}.mdx does not exist; name a trap of the catalog.`);
	const files = (dir: string) => {
		const out = new Map<string, string>();
		const walk = (rel: string) => {
			for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
				const path = rel ? `${rel}/${entry.name}` : entry.name;
				if (entry.isDirectory()) walk(path);
				else if (!entry.name.endsWith('.pyc')) out.set(path, readFileSync(join(dir, path), 'utf8'));
			}
		};
		if (existsSync(dir)) walk('');
		return out;
	};
	return {
		id,
		page: readFileSync(pagePath, 'utf8'),
		snippets: files(join(ROOT, 'snippets', id)),
		records: files(join(ROOT, '.verify/results', id)),
	};
}

function writeFiles(root: string, files: FileMap): void {
	for (const [path, text] of files) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
}

/** Bytes and HTML pages under `dir`. */
function measureDist(dir: string): { bytes: number; pages: number } {
	let bytes = 0;
	let pages = 0;
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		bytes += statSync(join(entry.parentPath, entry.name)).size;
		if (entry.name.endsWith('.html')) pages++;
	}
	return { bytes, pages };
}

interface BuildFigures {
	seconds: number;
	cpuSeconds: number;
	peakMiB: number;
	distBytes: number;
	htmlPages: number;
}

/** Runs `astro build` in `root` under GNU time; throws with Astro's output when the build fails. */
async function build(root: string): Promise<BuildFigures> {
	const timeFile = join(root, '.build-time');
	const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' };
	try {
		await promisify(execFile)(TIME, ['-f', '%e %U %S %M', '-o', timeFile, join(ROOT, 'node_modules/.bin/astro'), 'build'], {
			cwd: root,
			env,
			maxBuffer: 256 << 20,
		});
	} catch (e) {
		const err = e as { stdout?: string; stderr?: string; message: string };
		throw new Error(`astro build failed in ${root}:\n${(err.stdout ?? '').slice(-4000)}\n${(err.stderr ?? err.message).slice(-4000)}`);
	}
	const [seconds, user, system, maxKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
	const dist = measureDist(join(root, 'dist'));
	return { seconds, cpuSeconds: user + system, peakMiB: maxKiB / 1024, distBytes: dist.bytes, htmlPages: dist.pages };
}

/**
 * A fresh folder outside the repository holding `files` and a hard-linked copy of the repository's
 * node_modules (a symlinked node_modules breaks Astro's compile cache; hard links cost no space).
 */
async function site(parent: string, name: string, files: FileMap, copyFromRepo: string[]): string {
	const root = join(parent, name);
	mkdirSync(root, { recursive: true });
	for (const entry of copyFromRepo) cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
	writeFiles(root, files);
	await promisify(execFile)('cp', ['-al', join(ROOT, 'node_modules'), join(root, 'node_modules')]);
	return root;
}

const trap = readTrap(values.trap);
const fm = yaml.load(splitFrontmatter(trap.page, `${trap.id}.mdx`).yaml) as { title: string; description: string };
const deps = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
const stockVersions = { astro: deps.astro, '@astrojs/starlight': deps['@astrojs/starlight'] };
const rows: string[][] = [];
const head = ['site', 'traps', 'html pages', 'wall s', 'wall s / trap', 'cpu s', 'cpu s / trap', 'dist MB', 'peak MiB', 'ratio wall', 'ratio cpu'];
console.log(`bench/build: ${values.trap} copied N times; sizes ${sizes.join(', ')}; one build at a time.\n`);

for (const n of sizes) {
	const parent = mkdtempSync(join(tmpdir(), `trap-catalog-bench-${n}-`));
	try {
		const want = (name: string) => !values.only || values.only === name;
		const catalogRoot = want('catalog') ? await site(parent, 'catalog', catalogCopies(trap, n), ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src']) : null;
		const stockRoot = want('stock') ? await site(parent, 'stock', stockSite(trap, n, fm.title, fm.description, stockVersions), []) : null;
		const none: BuildFigures = { seconds: NaN, cpuSeconds: NaN, peakMiB: NaN, distBytes: NaN, htmlPages: NaN };
		const ours = catalogRoot ? await build(catalogRoot) : none;
		const stock = stockRoot ? await build(stockRoot) : none;
		const row = (label: string, f: BuildFigures) => [
			label,
			String(n),
			String(f.htmlPages),
			f.seconds.toFixed(1),
			(f.seconds / n).toFixed(3),
			f.cpuSeconds.toFixed(1),
			(f.cpuSeconds / n).toFixed(3),
			(f.distBytes / 1e6).toFixed(1),
			f.peakMiB.toFixed(0),
			(f.seconds / stock.seconds).toFixed(2),
			(f.cpuSeconds / stock.cpuSeconds).toFixed(2),
		];
		if (catalogRoot) rows.push(row('catalog', ours));
		if (stockRoot) rows.push(row('stock Starlight', stock));
		console.log(`N=${n}: catalog ${ours.seconds.toFixed(1)} s, stock ${stock.seconds.toFixed(1)} s${values.keep ? ` (kept in ${parent})` : ''}`);
	} finally {
		if (!values.keep) rmSync(parent, { recursive: true, force: true });
	}
}

const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log('\n' + line(head));
for (const r of rows) console.log(line(r));
console.log('\nratio: the catalog\'s seconds per trap page over stock Starlight\'s at the same N (≤ 1.00 is the goal), wall and CPU.');
console.log('Timings are of `astro build` under GNU time, one build at a time; on a shared machine they vary from run to run.');
