/**
 * The verification key of a program: what its record was made from. A record is reused instead of
 * re-running the program, and a page shows it as current, only when the key is unchanged — the
 * program and every local module it imports (transitively), the npm packages it imports, its
 * declaration, the harness and engine that ran it, and the runtime version. All content hashes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readIfInside } from '../catalog/load-catalog.ts';
import { resolveSnippetPath } from '../catalog/snippet-path.ts';
import { descriptorOf, languageOf, type SnippetLanguage } from './languages.ts';
import { importClosure } from './local-imports.ts';
import { executableFor } from './run-snippet.ts';

/** The parts of a key, kept in a record so a re-run can say what changed. */
export interface KeyInputs {
	/** `path → hash` of the program and each local module it imports (paths relative to `snippets/<trap>/`). */
	sources: Record<string, string>;
	/** `name@version` of each npm package a script imports. */
	packages: string[];
	/** Hash of the declaration fields that change a run or its judgement (`expect`, `timeoutMs`, …). */
	declaration: string;
	/** Hash of the language's harness and the engine files that run and judge a program. */
	harness: string;
	/** The runtime that runs the program, e.g. `CPython 3.12.3 (main, …)`, `Node.js v24.21.0`. */
	runtime: string;
}

/** Declaration fields that only change what a page says, not what a run does or how it is judged. */
const PRESENTATION_ONLY = new Set(['summary']);

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The key of `inputs`: one hash, stable under the order of sources and packages. */
export function keyOf(inputs: KeyInputs): string {
	const sources = Object.entries(inputs.sources).sort(([a], [b]) => a.localeCompare(b));
	return hash(JSON.stringify([sources, [...inputs.packages].sort(), inputs.declaration, inputs.harness, inputs.runtime]));
}

/** Which parts differ between two keys' inputs, in words: `program changed`, `workload.py changed`, `harness changed`, … */
export function changedInputs(before: KeyInputs | undefined, now: KeyInputs, program: string): string[] {
	if (!before) return ['no earlier inputs recorded'];
	const out: string[] = [];
	const files = new Set([...Object.keys(before.sources), ...Object.keys(now.sources)]);
	for (const f of [...files].sort((a, b) => (a === program ? -1 : b === program ? 1 : a.localeCompare(b)))) {
		if (before.sources[f] === now.sources[f]) continue;
		const what = f === program ? 'program' : f;
		out.push(!(f in before.sources) ? `${what} now imported` : !(f in now.sources) ? `${what} no longer imported` : `${what} changed`);
	}
	if (before.packages.join() !== now.packages.join()) out.push('imported packages changed');
	if (before.declaration !== now.declaration) out.push('declaration changed');
	if (before.harness !== now.harness) out.push('harness changed');
	if (before.runtime !== now.runtime) out.push(`runtime changed (${before.runtime} → ${now.runtime})`);
	return out;
}

/** A declaration as the page gives it; only run-relevant fields enter the key. */
export type DeclarationLike = { file: string } & Record<string, unknown>;

/** Engine files every run goes through, besides the language's harness folder: the engine's own import closure. */
const ENGINE_ENTRY = 'verify-trap.ts';

const harnessCache = new Map<string, string>();

/** Every file under `dir` (recursively), `/`-separated, sorted; caches and bytecode left out. */
function filesUnder(dir: string, prefix = ''): string[] {
	let entries;
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
	return entries
		.filter((e) => e.name !== '__pycache__' && !e.name.startsWith('.'))
		.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
		.sort();
}

/**
 * Hash of what runs and judges a `language` program in the project at `root`: every file of
 * `src/verify/python/` or `src/verify/node/`, and `src/verify/verify-trap.ts` with the engine
 * modules it imports (runner, protocol, proof check, paths, results). Computed once per process.
 */
export function harnessHash(root: string, language: SnippetLanguage): string {
	const cacheKey = `${root}\0${language}`;
	const cached = harnessCache.get(cacheKey);
	if (cached) return cached;
	const verify = join(root, 'src/verify');
	const read = (f: string) => {
		try {
			return readFileSync(join(verify, f), 'utf8');
		} catch {
			return null;
		}
	};
	const harnessDir = descriptorOf(language).harness.split('/')[0];
	const harnessFiles = filesUnder(join(verify, harnessDir)).map((f) => `${harnessDir}/${f}`);
	const engine = importClosure(ENGINE_ENTRY, (f) => (f.startsWith('../') ? null : read(f))).files;
	const h = createHash('sha256');
	for (const f of [...new Set([...harnessFiles, ...engine])].sort()) h.update(`${f}\0${read(f) ?? ''}\0`);
	const value = h.digest('hex').slice(0, 32);
	harnessCache.set(cacheKey, value);
	return value;
}

const runtimeCache = new Map<SnippetLanguage, string>();

/** The runtime a `language` program runs on here, as precisely as the runtime says (once per process). */
export function runtimeIdentity(language: SnippetLanguage): string {
	const cached = runtimeCache.get(language);
	if (cached) return cached;
	let value: string;
	const d = descriptorOf(language);
	if (d.command === 'node') value = `${d.runtime} ${process.version}`;
	else {
		try {
			value = `${d.runtime} ${execFileSync(executableFor(d), [...(d.versionArgs ?? ['--version'])], { encoding: 'utf8' }).trim()}`;
		} catch {
			value = `${d.runtime} unavailable`; // No record can be current, and running will say why.
		}
	}
	runtimeCache.set(language, value);
	return value;
}

/** The version of npm package `name` installed for the project at `root`, or `missing`. */
function packageVersion(root: string, name: string): string {
	try {
		return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
	} catch {
		return 'missing';
	}
}

/**
 * The key inputs of program `declaration.file` of trap `trap` under `root`, read from disk now.
 * Throws (naming the file) when the program itself is missing or leaves `snippets/`.
 */
export function verificationInputs(root: string, trap: string, declaration: DeclarationLike): KeyInputs {
	const program = declaration.file;
	const language = languageOf(program) ?? 'python';
	const texts = new Map<string, string | null>();
	const read = (f: string): string | null => {
		const file = posix.normalize(f);
		if (!texts.has(file)) texts.set(file, file.startsWith('../') ? null : readIfInside(root, resolveSnippetPath(root, trap, file)));
		return texts.get(file)!;
	};
	if (read(program) === null) throw new Error(`snippets/${trap}/${program} does not exist; create it or fix the reference.`);
	const closure = importClosure(program, read);
	const relevant = Object.fromEntries(Object.entries(declaration).filter(([k]) => !PRESENTATION_ONLY.has(k)).sort(([a], [b]) => a.localeCompare(b)));
	return {
		sources: Object.fromEntries(closure.files.map((f) => [f, hash(read(f)!)])),
		packages: closure.packages.map((p) => `${p}@${packageVersion(root, p)}`),
		declaration: hash(JSON.stringify(relevant)),
		harness: harnessHash(root, language),
		runtime: runtimeIdentity(language),
	};
}
