/**
 * Paths that name no machine. A run's output (tracebacks, stacks, witnesses, records) is published
 * on pages, cards and exports; it must read the same wherever it was produced. So the project's
 * own files are shown relative to the project (`snippets/<trap>/workload.py`), Python's and Node's
 * library files by module (`asyncio/locks.py`, `async-mutex/lib/Mutex.js`; Node's own frames
 * already read `node:internal/…`), a run's temporary folder as `$TMPDIR` and the home folder as `~`.
 */
import { homedir, tmpdir } from 'node:os';

/** Where a run happened: the folders whose absolute paths must not be published. */
export interface PathContext {
	/** Project roots (the catalog being verified, the engine's own project); the longest match wins. */
	roots: string[];
	/** The system's temporary folder (per-run folders below it read `$TMPDIR`). Default: os.tmpdir(). */
	tmp?: string;
	/** The user's home folder, shown as `~`. Default: os.homedir(). */
	home?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One path segment as it can appear inside a traceback line, a stack frame or JSON. */
const SEGMENT = String.raw`[^/\s"'():,<>\[\]]+`;

/** The replacements for `ctx`, most specific first. */
function rules(ctx: PathContext): Array<[RegExp, string]> {
	const roots = [...new Set(ctx.roots.map((r) => r.replace(/\/+$/, '')).filter((r) => r.length > 1))].sort((a, b) => b.length - a.length);
	const tmp = (ctx.tmp ?? tmpdir()).replace(/\/+$/, '');
	const home = (ctx.home ?? homedir()).replace(/\/+$/, '');
	const out: Array<[RegExp, string]> = [
		// Python's standard library and installed packages, wherever the interpreter lives.
		[new RegExp(String.raw`(?:file://)?(?:/${SEGMENT})*/lib/python3\.\d+/(?:(?:site|dist)-packages/)?`, 'g'), ''],
		// npm packages, wherever node_modules is: shown by package.
		[new RegExp(String.raw`(?:file://)?(?:/${SEGMENT})*/node_modules/`, 'g'), ''],
	];
	for (const root of roots) {
		out.push([new RegExp(`(?:file://)?${escape(root)}/`, 'g'), '']);
		out.push([new RegExp(`(?:file://)?${escape(root)}(?![\\w.-])`, 'g'), '.']);
	}
	if (tmp.length > 1) out.push([new RegExp(`${escape(tmp)}/trap-run-${SEGMENT}`, 'g'), '$$TMPDIR']);
	if (home.length > 1) out.push([new RegExp(`${escape(home)}(?=/|(?![\\w.-]))`, 'g'), '~']);
	return out;
}

/** `text` with every absolute path of `ctx`'s machine replaced by its publishable form. */
export function publishableText(text: string, ctx: PathContext): string {
	let out = text;
	for (const [re, to] of rules(ctx)) out = out.replace(re, to);
	return out;
}

/**
 * A deep copy of `value` (a RunResult, a record, a witness) with {@link publishableText} applied
 * to every string in it, keys left alone. Pure; numbers, booleans and nulls are kept as they are.
 */
export function publishable<T>(value: T, ctx: PathContext): T {
	const compiled = rules(ctx);
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') {
			let s = v;
			for (const [re, to] of compiled) s = s.replace(re, to);
			return s;
		}
		if (Array.isArray(v)) return v.map(walk);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
		return v;
	};
	return walk(value) as T;
}

/**
 * The project a snippet belongs to: the folder above the last `snippets/` segment of its absolute
 * path, or undefined when it is not inside a `snippets/` folder.
 */
export function projectRootOf(absolutePath: string): string | undefined {
	const i = absolutePath.lastIndexOf('/snippets/');
	return i > 0 ? absolutePath.slice(0, i) : undefined;
}
