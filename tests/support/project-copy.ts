import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './paths.ts';

/** A copy of the project (no verification results) in a temporary folder, sharing node_modules, changed by `change`. */
export function projectCopy(change: (root: string) => void = () => {}): string {
	const root = mkdtempSync(join(tmpdir(), 'trap-catalog-copy-'));
	for (const entry of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src', 'content', 'snippets']) {
		cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
	}
	symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
	change(root);
	return root;
}

/** Replaces the first `from` with `to` in `file` under `root`. */
export function edit(root: string, file: string, from: string, to: string): void {
	const path = join(root, file);
	const text = readFileSync(path, 'utf8');
	if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
	writeFileSync(path, text.replace(from, to));
}

/** Runs `astro build` in `root` as a user would; never throws. */
export async function buildProject(root: string): Promise<{ ok: boolean; output: string }> {
	try {
		const r = await promisify(execFile)(join(root, 'node_modules/.bin/astro'), ['build'], {
			cwd: root,
			env: { ...process.env, NODE_ENV: 'production' },
			maxBuffer: 64 << 20,
		});
		return { ok: true, output: r.stdout + r.stderr };
	} catch (e) {
		const err = e as { stdout: string; stderr: string };
		return { ok: false, output: `${err.stdout}\n${err.stderr}` };
	}
}
