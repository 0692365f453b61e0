/**
 * Which files of its own folder a program runs: the local modules it imports, transitively. The
 * verification cache keys a program's record on them, so that changing a module re-runs exactly
 * the programs that import it. Parsing is deliberately generous (an import in a comment or a
 * string counts too): a module counted once too often costs a re-run; one missed would let a
 * stale record pass as current.
 */
import { posix } from 'node:path';
import { languageOf } from './languages.ts';

/** Module names a Python source imports: `import a.b, c as d` gives `a.b`, `c`; `from .x import y` gives `.x`. */
export function pythonImports(source: string): string[] {
	const found: string[] = [];
	// Joined continuation lines and parenthesised lists are irrelevant: only the module name after
	// `import` / `from` matters, and it is always on the keyword's line.
	for (const line of source.split('\n')) {
		const from = /^\s*from\s+(\.*[\w.]*)\s+import\b\s*\(?\s*([^#]*)/.exec(line);
		if (from) {
			found.push(from[1]);
			// `from . import sibling` and `from pkg import submodule` may name modules too.
			for (const name of from[2].split(',').map((n) => n.trim().split(/\s+/)[0]).filter((n) => /^\w+$/.test(n))) {
				found.push(from[1].endsWith('.') ? `${from[1]}${name}` : `${from[1]}.${name}`);
			}
			continue;
		}
		const imp = /^\s*import\s+([^#]+)/.exec(line);
		if (imp) for (const part of imp[1].split(',')) found.push(part.trim().split(/\s+/)[0]);
	}
	// Importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` first.
	const withParents = found.flatMap((n) => {
		const dots = /^\.*/.exec(n)![0];
		const parts = n.slice(dots.length).split('.').filter(Boolean);
		return parts.length ? parts.map((_, i) => dots + parts.slice(0, i + 1).join('.')) : [n];
	});
	return [...new Set(withParents.filter((n) => /^\.*[\w.]*$/.test(n) && n !== ''))];
}

/** Relative specifiers a TypeScript/JavaScript source imports (`./x.ts`, `../y.js`); bare ones (`async-mutex`) separately. */
export function scriptImports(source: string): { relative: string[]; packages: string[] } {
	const specs = new Set<string>();
	const patterns = [
		// `import type` / `export type` are erased before the program runs: they load nothing.
		/\b(?:import|export)\s+(?!type\s)(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"\n]+)['"]/g,
		/\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
		/\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
	];
	for (const re of patterns) for (const m of source.matchAll(re)) specs.add(m[1]);
	const all = [...specs];
	return {
		relative: all.filter((s) => s.startsWith('./') || s.startsWith('../')),
		packages: all.filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:')).map(packageName),
	};
}

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
function packageName(spec: string): string {
	const parts = spec.split('/');
	return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The files (paths relative to the program's folder, `/`-separated) that a module name or
 * specifier imported by `importer` may resolve to, most likely first. Python resolves absolute
 * names against the program's folder (`sys.path[0]`) and relative ones against the importer's
 * package; scripts resolve against the importer's folder, with or without an extension.
 */
function candidates(language: 'python' | 'typescript', importer: string, name: string): string[] {
	if (language === 'python') {
		const dots = /^\.*/.exec(name)![0].length;
		let base = '';
		if (dots > 0) {
			base = posix.dirname(importer);
			for (let i = 1; i < dots; i++) base = posix.dirname(base);
			if (base === '.') base = '';
		}
		const rest = name.slice(dots).split('.').filter(Boolean);
		if (rest.length === 0) return [base ? `${base}/__init__.py` : '__init__.py'];
		const path = [base, ...rest].filter(Boolean).join('/');
		return [`${path}.py`, `${path}/__init__.py`];
	}
	const path = posix.normalize(posix.join(posix.dirname(importer), name));
	if (path.startsWith('../')) return [];
	if (languageOf(path)) return [path];
	const stem = path.replace(/\.(?:m?js|cjs|jsx?)$/, '');
	return [...['.ts', '.mts', '.js', '.mjs'].map((e) => `${stem}${e}`), `${path}/index.ts`, `${path}/index.js`];
}

/** What {@link importClosure} found. */
export interface ImportClosure {
	/** Local files the program runs, itself first, then the rest sorted. */
	files: string[];
	/** npm packages a script imports (their versions belong in the key too). */
	packages: string[];
}

/**
 * Every file of the program's folder that `program` imports, directly or through other local
 * files. `read(file)` returns a file's text by its path relative to the program's folder, or
 * null when there is no such file (a standard-library or installed module).
 */
export function importClosure(program: string, read: (file: string) => string | null): ImportClosure {
	const language = languageOf(program) === 'python' ? 'python' : 'typescript';
	const seen = new Set<string>([program]);
	const packages = new Set<string>();
	const queue = [program];
	while (queue.length) {
		const file = queue.shift()!;
		const text = read(file);
		if (text === null) continue;
		const names = language === 'python' ? pythonImports(text) : scriptImports(text).relative;
		if (language === 'typescript') for (const p of scriptImports(text).packages) packages.add(p);
		for (const name of names) {
			for (const candidate of candidates(language, file, name)) {
				if (seen.has(candidate)) break;
				if (read(candidate) !== null) {
					seen.add(candidate);
					queue.push(candidate);
					break;
				}
			}
		}
	}
	const [first, ...rest] = [...seen];
	return { files: [first, ...rest.sort()], packages: [...packages].sort() };
}
