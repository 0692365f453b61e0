import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/catalog/check-trap.ts';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import { notWrittenMessage, scaffoldTrap } from '../../src/catalog/scaffold.ts';
import { checkClaim } from '../../src/verify/claim.ts';
import { runSnippet } from '../../src/verify/run-snippet.ts';
import { ROOT } from '../support/paths.ts';

const node = join(ROOT, 'node_modules/.bin/node');
const cli = (script: string, args: string[]) =>
	promisify(execFile)(node, [join(ROOT, 'src/catalog', script), ...args], { cwd: ROOT }).then(
		(r) => ({ code: 0, out: r.stdout + r.stderr }),
		(e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
	);

describe('npm run new', () => {
	const roots: string[] = [];
	afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
	const emptyProject = () => {
		const root = mkdtempSync(join(tmpdir(), 'trap-catalog-new-'));
		roots.push(root);
		return root;
	};

	it.each(['python', 'typescript'] as const)('scaffolds a %s trap whose page passes the content checks', async (lang) => {
		const root = emptyProject();
		const { code, out } = await cli('new-cli.ts', ['semaphore-leak', '--lang', lang, '--root', root]);
		expect(code, out).toBe(0);
		const ext = lang === 'python' ? 'py' : 'ts';
		expect(out).toContain(`wrote snippets/semaphore-leak/failure.${ext}`);
		const { pages, problems } = loadCatalog(root);
		expect(problems.map(formatProblem)).toEqual([]);
		expect(pages[0].data!.snippets.map((s) => [s.file, s.expect])).toEqual([
			[`failure.${ext}`, 'deadlock'],
			[`solution.${ext}`, 'completed'],
		]);
		for (const role of ['failure', 'solution']) {
			const text = readFileSync(join(root, `snippets/semaphore-leak/${role}.${ext}`), 'utf8');
			expect(text).toMatch(new RegExp(`(# region|// #region) ${role}\\n[\\s\\S]*(# endregion|// #endregion) ${role}`));
		}
	});

	it.each(['python', 'typescript'] as const)('scaffolds %s programs that fail verification, saying what to write', async (lang) => {
		const root = emptyProject();
		const ext = lang === 'python' ? 'py' : 'ts';
		for (const [path, text] of scaffoldTrap('semaphore-leak', lang)) {
			mkdirSync(join(root, path, '..'), { recursive: true });
			writeFileSync(join(root, path), text);
		}
		for (const [role, claim] of [['failure', 'deadlock'], ['solution', 'completed']] as const) {
			const file = `${role}.${ext}`;
			const run = await runSnippet(join(root, 'snippets/semaphore-leak', file), { timeoutMs: 5000, detect: true });
			expect(run.outcome).toBe('raised');
			expect(run.error?.message).toContain(notWrittenMessage('semaphore-leak', file, role));
			expect(checkClaim({ expect: claim, timeoutMs: 5000 }, run, null)).not.toEqual([]);
		}
	}, 30_000);

	it('refuses a name that is not kebab-case, and never overwrites a trap', async () => {
		const root = emptyProject();
		expect(await cli('new-cli.ts', ['Semaphore_Leak', '--root', root])).toMatchObject({ code: 1, out: expect.stringContaining('is not a trap id: use kebab-case') });
		await cli('new-cli.ts', ['semaphore-leak', '--root', root]);
		expect(await cli('new-cli.ts', ['semaphore-leak', '--root', root])).toMatchObject({
			code: 1,
			out: expect.stringContaining('content/traps/semaphore-leak.mdx already exists'),
		});
	});
});

describe('npm run import', () => {
	const root = mkdtempSync(join(tmpdir(), 'trap-catalog-import-'));
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it('imports the seed card into a page the content checks accept, and lists what it could not know', async () => {
		const { code, out } = await cli('import-cli.ts', [join(ROOT, 'tests/fixtures/cards/seed-000.txt'), '--root', root]);
		expect(code, out).toBe(0);
		expect(out).toMatch(/What the card could not say[\s\S]*failure_pattern\.py: from "Failure Pattern"; make it a complete program and confirm "expect: deadlock"/);
		expect(loadCatalog(root).problems.map(formatProblem)).toEqual([]);
	});

	it('names the line of a malformed card', async () => {
		const card = join(root, 'bad.md');
		writeFileSync(card, '---\nname: x\ndescription: d\nversion: 1.0.0\ncategory: trap\n---\n# X\n\n## Failure\n\n```python\nx = 1\n');
		expect(await cli('import-cli.ts', [card, '--root', root])).toMatchObject({
			code: 1,
			out: expect.stringMatching(/bad\.md:11: code block opened here with ``` is never closed/),
		});
	});
});
