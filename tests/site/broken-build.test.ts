import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProject, edit, projectCopy } from '../support/project-copy.ts';

const SEED = 'asyncio-lock-non-reentrant-deadlock';
const PAGE = `content/traps/${SEED}.mdx`;

describe.concurrent('a build with bad input', () => {
	const roots: string[] = [];
	afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
	const copy = (change: (root: string) => void) => {
		const root = projectCopy(change);
		roots.push(root);
		return root;
	};
	const pageLine = (root: string, needle: string) =>
		readFileSync(join(root, PAGE), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

	it('fails on invalid frontmatter, naming the page, line and field', async () => {
		const root = copy((r) => edit(r, PAGE, 'severity: high', 'severity: catastrophic'));
		const { ok, output } = await buildProject(root);
		expect(ok).toBe(false);
		expect(output).toContain(`${PAGE}:${pageLine(root, 'severity:')}: severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"`);
	});

	it('fails on a region that is not there, naming the page, line and reference', async () => {
		const root = copy((r) => edit(r, PAGE, 'region="store" bad="await self.set_hash', 'region="storage" bad="await self.set_hash'));
		const { ok, output } = await buildProject(root);
		expect(ok).toBe(false);
		expect(output).toContain(
			`${PAGE}:${pageLine(root, 'region="storage"')}: <Snippet file="failure.py" region="storage">: snippets/${SEED}/failure.py: no region "storage"; it has: store.`,
		);
	});

	it('fails when a declared snippet file is missing', async () => {
		const root = copy((r) => rmSync(join(r, 'snippets', SEED, 'racy.py')));
		const { ok, output } = await buildProject(root);
		expect(ok).toBe(false);
		expect(output).toMatch(new RegExp(`${PAGE}:\\d+: snippets\\[\\d+\\]\\.file: snippets/${SEED}/racy\\.py does not exist`));
	});
});
