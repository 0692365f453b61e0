/**
 * The languages the engine runs, one descriptor each: the one place that says which files are
 * a language's, how readers call it, how its comments mark regions, how its harness starts,
 * what its runtime is called, and how its programs import their own modules. Adding a language
 * is a harness that speaks `protocol.ts` plus one entry here (see README, "Adding a language").
 */
import { posix } from 'node:path';

/** Local modules and installed packages a source imports. */
export interface Imports {
	/** Names or specifiers of modules that may be files of the program's own folder. */
	local: string[];
	/** Installed packages (npm), whose versions belong in the verification key. */
	packages: string[];
}

export interface LanguageDescriptor {
	/** The id pages use in `languages:` and Shiki uses to highlight. */
	id: string;
	/** How readers call it. */
	label: string;
	/** File extensions, with the dot. */
	extensions: readonly string[];
	/** The line-comment token region markers are written with (`# region x`, `// #region x`). */
	lineComment: string;
	/** The runtime's name as records and badges show it. */
	runtime: string;
	/** The harness, relative to `src/verify/`; its folder is part of every record's key. */
	harness: string;
	/**
	 * How to start the harness: `node` means this very Node.js; any other command is looked up
	 * once on PATH, and `realExecutable` (when given) is run with it to skip shims such as pyenv's.
	 */
	command: string;
	args: readonly string[];
	realExecutable?: readonly string[];
	/** Arguments that print the runtime's full version (not needed for `node`). */
	versionArgs?: readonly string[];
	/** Extra environment for a run, given the shared compiled-code cache folder. */
	env: (codeCache: string) => Record<string, string>;
	/** What a source imports (generous: an import in a comment counts too; a miss would keep a stale record). */
	imports: (source: string) => Imports;
	/** Files, relative to the program's folder, that `name` imported by `importer` may be, most likely first. */
	resolve: (importer: string, name: string) => string[];
}

/** Module names a Python source imports: `import a.b, c as d` gives `a.b`, `c`; `from .x import y` gives `.x`. */
export function pythonImports(source: string): string[] {
	const found: string[] = [];
	// Only the module name after `import` / `from` matters, and it is always on the keyword's line.
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

/** Python resolves absolute names against the program's folder (`sys.path[0]`), relative ones against the importer's package. */
function resolvePython(importer: string, name: string): string[] {
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

/** Scripts resolve against the importer's folder, with or without an extension. */
function resolveScript(importer: string, name: string): string[] {
	const path = posix.normalize(posix.join(posix.dirname(importer), name));
	if (path.startsWith('../')) return [];
	if (/\.(?:ts|mts)$/.test(path)) return [path];
	const stem = path.replace(/\.(?:m?js|cjs|jsx?)$/, '');
	return [...['.ts', '.mts', '.js', '.mjs'].map((e) => `${stem}${e}`), `${path}/index.ts`, `${path}/index.js`];
}

/** Every language the engine runs. */
export const LANGUAGE_DESCRIPTORS = [
	{
		id: 'python',
		label: 'Python',
		extensions: ['.py'],
		lineComment: '#',
		runtime: 'CPython',
		harness: 'python/harness.py',
		command: 'python3',
		args: [],
		realExecutable: ['-c', 'import sys; print(sys.executable)'],
		versionArgs: ['-c', 'import sys; print(sys.version)'],
		// Bytecode in a shared cache, not in `__pycache__` folders next to the snippets. The GIL on,
		// should python3 be a free-threaded build: the harness's proofs rest on it (ignored elsewhere).
		env: (cache) => ({ PYTHONPYCACHEPREFIX: posix.join(cache, 'python'), PYTHONUNBUFFERED: '1', PYTHON_GIL: '1' }),
		imports: (source) => ({ local: pythonImports(source), packages: [] }),
		resolve: resolvePython,
	},
	{
		id: 'typescript',
		label: 'TypeScript',
		extensions: ['.ts', '.mts'],
		lineComment: '//',
		runtime: 'Node.js',
		harness: 'node/harness.ts',
		command: 'node',
		args: ['--disable-warning=ExperimentalWarning'],
		env: (cache) => ({ NODE_COMPILE_CACHE: posix.join(cache, 'node') }),
		imports: (source) => {
			const s = scriptImports(source);
			return { local: s.relative, packages: s.packages };
		},
		resolve: resolveScript,
	},
] as const satisfies readonly LanguageDescriptor[];

/** Languages the engine runs. */
export const LANGUAGES = ['python', 'typescript'] as const satisfies ReadonlyArray<(typeof LANGUAGE_DESCRIPTORS)[number]['id']>;

export type SnippetLanguage = (typeof LANGUAGES)[number];

/** The descriptor of `language`. */
export function descriptorOf(language: SnippetLanguage): LanguageDescriptor {
	return LANGUAGE_DESCRIPTORS.find((d) => d.id === language)!;
}

/** File extensions the engine runs, mapped to their language: the one list the schema, the page and the runner share. */
export const LANGUAGE_BY_EXTENSION: Readonly<Record<string, SnippetLanguage>> = Object.fromEntries(
	LANGUAGE_DESCRIPTORS.flatMap((d) => d.extensions.map((e) => [e, d.id])),
);

/** How languages are named to readers. */
export const LANGUAGE_LABEL: Readonly<Record<string, string>> = Object.fromEntries(LANGUAGE_DESCRIPTORS.map((d) => [d.id, d.label]));

/** The line-comment tokens region markers may start with, across languages. */
export const LINE_COMMENTS: readonly string[] = [...new Set(LANGUAGE_DESCRIPTORS.map((d) => d.lineComment))];

/** The language of `file` by its extension, or undefined when the engine cannot run it. */
export function languageOf(file: string): SnippetLanguage | undefined {
	const dot = file.lastIndexOf('.');
	return dot === -1 ? undefined : LANGUAGE_BY_EXTENSION[file.slice(dot)];
}
