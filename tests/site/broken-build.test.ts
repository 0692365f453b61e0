import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';

/** A copy of the project in a temporary folder, sharing node_modules, with one page changed. */
function projectWith(change: (root: string) => void): string {
	const root = mkdtempSync(join(tmpdir(), 'trap-catalog-broken-site-'));
	for (const entry of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src', 'content', 'snippets']) {
		cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
	}
	symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
	change(root);
	return root;
}

async function build(root: string): Promise<{ ok: boolean; output: string }> {
	try {
		const r = await promisify(execFile)(join(root, 'node_modules/.bin/astro'), ['build'], { cwd: root, maxBuffer: 64 << 20 });
		return { ok: true, output: r.stdout + r.stderr };
	} catch (e) {
		const err = e as { stdout: string; stderr: string };
		return { ok: false, output: `${err.stdout}\n${err.stderr}` };
	}
}

describe.concurrent('a build with bad input', () => {
	const roots: string[] = [];
	afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

	const pageLine = (root: string, needle: string) =>
		readFileSync(join(root, 'content/traps', `${SEED}.mdx`), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
	const editPage = (root: string, from: string, to: string) => {
		const page = join(root, 'content/traps', `${SEED}.mdx`);
		writeFileSync(page, readFileSync(page, 'utf8').replace(from, to));
	};

	it('fails on invalid frontmatter, naming the page, line and field', async () => {
		const root = projectWith((r) => editPage(r, 'severity: high', 'severity: catastrophic'));
		roots.push(root);
		const { ok, output } = await build(root);
		expect(ok).toBe(false);
		expect(output).toContain(
			`content/traps/${SEED}.mdx:${pageLine(root, 'severity:')}: severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"`,
		);
	});

	it('fails on a region that is not there, naming the page, line and reference', async () => {
		const root = projectWith((r) => editPage(r, 'region="store" bad="await self.set_hash', 'region="storage" bad="await self.set_hash'));
		roots.push(root);
		const { ok, output } = await build(root);
		expect(ok).toBe(false);
		expect(output).toContain(
			`content/traps/${SEED}.mdx:${pageLine(root, 'region="storage"')}: <Snippet file="failure.py" region="storage">: snippets/${SEED}/failure.py: no region "storage"; it has: store.`,
		);
	});

	it('fails when a declared snippet file is missing', async () => {
		const root = projectWith((r) => rmSync(join(r, 'snippets', SEED, 'racy.py')));
		roots.push(root);
		const { ok, output } = await build(root);
		expect(ok).toBe(false);
		expect(output).toMatch(new RegExp(`content/traps/${SEED}\\.mdx:\\d+: snippets\\[\\d\\]\\.file: snippets/${SEED}/racy\\.py does not exist`));
	});
});
