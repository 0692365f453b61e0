import { extractRegion, findMarkedLines, type SnippetLine } from '../../catalog/regions.ts';
import type { SnippetReference } from '../../catalog/snippet-refs.ts';
import { snippetId } from '../../catalog/snippet-path.ts';
import { languageOf } from '../../verify/languages.ts';
import { describeSpan, lineMarks, type LineMark } from './snippet-lines.ts';

/** What `<Snippet>` is asked to show, with the text of the file it names. */
export interface SnippetViewInput {
	trap: string;
	/** Path relative to `snippets/<trap>/`. */
	file: string;
	region?: string;
	bad?: string | string[];
	good?: string | string[];
	title?: string;
	/** The file's text, as the catalog loader read and checked it. */
	source: string;
	/** The declaration's one-line summary, if it has one. */
	summary?: string;
	/** The declaration's role: a `module` shown whole is code the programs import. */
	role?: string;
	/** The site's base path (`import.meta.env.BASE_URL`). */
	base: string;
}

/** Everything a snippet figure shows, computed from its input; the component only lays it out. */
export interface SnippetView {
	/** `snippets/<trap>/<file>`. */
	id: string;
	/** The file's name without folders, e.g. `failure.py`. */
	name: string;
	title: string;
	/** The Shiki language, `plaintext` for an extension the catalog does not know. */
	lang: string;
	/** The shown lines with their real numbers, and the same lines as one string. */
	lines: SnippetLine[];
	code: string;
	/** Every line of the file a page shows (markers left out): what is highlighted, once per file. */
	fileLines: SnippetLine[];
	marks: Map<number, LineMark>;
	/** "lines 12–40 of 74" for a region, "74 lines" for a whole file. */
	span: string;
	/** The legend under marked code, one sentence per kind of mark. */
	legend: { bad: string | null; good: string | null };
	copyLabel: string;
	/** The plain file, to download. */
	rawHref: string;
	/** For a region, the page showing the whole file highlighted, at the region's first line; else null. */
	whole: { href: string; label: string } | null;
	/**
	 * For a module shown whole (code the programs import, often long), the page its code is loaded
	 * from when the reader opens it, so the trap page's first load carries the programs only.
	 */
	deferred: { src: string; label: string } | null;
	summary: string | null;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `/base/traps/<trap>/files/<file>/`: the page that shows one snippet file whole. */
export function wholeFileHref(base: string, trap: string, file: string): string {
	return `${base.replace(/\/?$/, '/')}traps/${trap}/files/${file}/`;
}

/** The id of a shown line on the whole-file page, the target of `#L12` links. */
export function lineAnchor(line: number): string {
	return `L${line}`;
}

/** The number of the file's last line that is shown (marker lines never are). */
function lastLine(lines: SnippetLine[]): number {
	return lines.length ? lines[lines.length - 1].number : 0;
}

/**
 * What `<Snippet>` shows. The loader has already checked every reference (file, region, marked
 * texts), so an error here means the page changed after the check; it names the snippet.
 */
export function snippetView(input: SnippetViewInput): SnippetView {
	const { trap, file, region, source, base } = input;
	const id = snippetId(trap, file);
	const lines = extractRegion(source, id, region);
	const bad = findMarkedLines(lines, list(input.bad), id);
	const good = findMarkedLines(lines, list(input.good), id);
	const name = file.split('/').pop()!;
	const fileLines = region ? extractRegion(source, id) : lines;
	const total = lastLine(fileLines);
	const linesWord = (ns: number[]) => (ns.length > 1 ? `lines ${ns.join(', ')}` : `line ${ns[0]}`);
	return {
		id,
		name,
		title: input.title ?? name,
		lang: languageOf(file) ?? 'plaintext',
		lines,
		code: lines.map((l) => l.text).join('\n'),
		fileLines,
		marks: lineMarks(bad, good),
		span: region ? `${describeSpan(lines)} of ${total}` : `${total} lines`,
		legend: {
			bad: bad.length ? `Marked ✗: ${bad.length > 1 ? 'the lines that show the bug' : 'the line that shows the bug'} (${linesWord(bad)}).` : null,
			good: good.length ? `Marked ✓: ${good.length > 1 ? 'the lines that fix it' : 'the line that fixes it'} (${linesWord(good)}).` : null,
		},
		copyLabel: `Copy ${region ? `the ${region} region of ` : ''}${name}`,
		rawHref: `${base.replace(/\/?$/, '/')}${id}`,
		whole: region
			? { href: `${wholeFileHref(base, trap, file)}#${lineAnchor(lines[0]?.number ?? 1)}`, label: `Whole file: ${name}, ${total} lines` }
			: null,
		deferred: !region && input.role === 'module' ? { src: wholeFileHref(base, trap, file), label: `Show the code: ${name}, ${total} lines` } : null,
		summary: input.summary ?? null,
	};
}

/** What the whole-file page of one snippet file shows. */
export interface WholeFileView {
	id: string;
	name: string;
	lang: string;
	lines: SnippetLine[];
	code: string;
	/** Every line any `<Snippet>` of the trap page marks in this file. */
	marks: Map<number, LineMark>;
	rawHref: string;
	/** Back to the trap page. */
	trapHref: string;
}

/**
 * The whole-file view of `file`: every line but the region markers, with the marks of every
 * reference to that file on the trap page (the same lines the page marks in its regions).
 */
export function wholeFileView(input: { trap: string; file: string; source: string; references: SnippetReference[]; base: string }): WholeFileView {
	const { trap, file, source, base } = input;
	const id = snippetId(trap, file);
	const lines = extractRegion(source, id);
	const bad: number[] = [];
	const good: number[] = [];
	for (const ref of input.references.filter((r) => r.file === file)) {
		const shown = extractRegion(source, id, ref.region);
		bad.push(...findMarkedLines(shown, ref.bad, id));
		good.push(...findMarkedLines(shown, ref.good, id));
	}
	const root = base.replace(/\/?$/, '/');
	return {
		id,
		name: file.split('/').pop()!,
		lang: languageOf(file) ?? 'plaintext',
		lines,
		code: lines.map((l) => l.text).join('\n'),
		marks: lineMarks(bad, good),
		rawHref: `${root}${id}`,
		trapHref: `${root}traps/${trap}/`,
	};
}
