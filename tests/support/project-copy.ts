import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildEnv } from './build-env.ts';
import { ROOT } from './paths.ts';

/**
 * A copy of the project (without verification results) changed by `change`. It lives below
 * `.verify/copies/` so that Node finds the project's node_modules by walking up; a symlinked
 * node_modules confuses Astro's compiler cache.
 */
export function projectCopy(change: (root: string) => void = () => {}): string {
	mkdirSync(join(ROOT, '.verify/copies'), { recursive: true });
	const root = mkdtempSync(join(ROOT, '.verify/copies/copy-'));
	for (const entry of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src', 'content', 'snippets']) {
		cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
	}
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
		const r = await promisify(execFile)(join(ROOT, 'node_modules/.bin/astro'), ['build'], {
			cwd: root,
			env: buildEnv(),
			maxBuffer: 64 << 20,
		});
		return { ok: true, output: r.stdout + r.stderr };
	} catch (e) {
		const err = e as { stdout: string; stderr: string };
		return { ok: false, output: `${err.stdout}\n${err.stderr}` };
	}
}
