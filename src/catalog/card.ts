import yaml from 'js-yaml';
import type { ParsedTrapPage } from './check-trap.ts';
import type { ObservedRun } from './observed.ts';
import { extractRegion, findMarkedLines } from './regions.ts';
import type { TrapFrontmatter } from './schema.ts';
import { findSnippetReferences, type SnippetReference } from './snippet-refs.ts';
import { snippetId } from './snippet-path.ts';
import { languageOf } from '../verify/languages.ts';

/** Everything a trap card is made from; all of it read by the caller (pure function, no I/O). */
export interface CardInput {
	/** A page whose frontmatter is valid (`data` present). */
	page: ParsedTrapPage & { data: TrapFrontmatter };
	/** The text of every declared snippet file, by its path in `snippets/<trap>/`. */
	snippets: ReadonlyMap<string, string>;
	/** What the last run of each program observed, by file. */
	observed: ReadonlyMap<string, ObservedRun>;
	/** Absolute URL of the trap's HTML page. */
	pageUrl: string;
	/** Absolute URL of a snippet file's download. */
	snippetUrl(file: string): string;
	/** Title, description and absolute URL of other traps, for "Related traps". */
	trap(name: string): { title: string; description: string; url: string } | undefined;
}

/** Component wrapper lines that have no meaning outside the site. */
const WRAPPERS = /^\s*<\/?(RedFlags|Checklist)>\s*$/;

/**
 * The trap card: a self-contained Markdown file in the seed's format (frontmatter `name`,
 * `description`, `version`, `category`; an H1; the page's sections in the page's order), in
 * which every `<Snippet>` becomes the complete file as a fenced block the first time it is shown
 * (a region excerpt after that), with what the program is claimed to do and what its last run
 * observed. Nothing in it is written twice: it is made from the page and snippet files.
 */
export function trapCard(input: CardInput): string {
	const { page } = input;
	const data = page.data;
	const front = yaml.dump(
		{ name: data.name, description: data.description, version: data.version, category: data.category },
		{ lineWidth: -1 },
	);
	const out: string[] = [
		'---',
		front.trimEnd(),
		'---',
		'',
		`# ${data.title}`,
		'',
		`> Trap card generated from ${input.pageUrl}. Every program in it is a complete file the catalog's test suite runs: ` +
			'save the files of one card in one folder and run a program (`python3 failure.py`, `node failure.ts`); ' +
			'each says what it is claimed to do and what its last run observed.',
		'',
	];
	out.push(...transformBody(input));
	const related = data.related.map((name) => ({ name, info: input.trap(name) }));
	if (related.length) {
		out.push('', '## Related traps', '');
		for (const { name, info } of related) out.push(info ? `- [${info.title}](${info.url}): ${info.description}` : `- ${name}`);
	}
	if (data.references.length) {
		out.push('', '## References', '');
		for (const r of data.references) out.push(`- [${r.title}](${r.url})`);
	}
	return collapseBlankLines(out).join('\n').trimEnd() + '\n';
}

function transformBody(input: CardInput): string[] {
	const { split } = input.page;
	const lines = split.body.split('\n');
	const { references } = findSnippetReferences(split.body, split.bodyStartLine);
	const byLine = new Map(references.map((r) => [r.line - split.bodyStartLine, r]));
	const printedWhole = new Set<string>();
	const out: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		const ref = byLine.get(i);
		if (ref) {
			// The tag may span lines: skip to the line that closes it.
			let rest = lines[i].slice(lines[i].indexOf('<Snippet'));
			while (!/\/?>/.test(rest) && i + 1 < lines.length) rest = lines[++i];
			out.push(...snippetBlock(input, ref, printedWhole));
			continue;
		}
		if (WRAPPERS.test(lines[i])) continue;
		out.push(lines[i]);
	}
	return out;
}

function snippetBlock(input: CardInput, ref: SnippetReference, printedWhole: Set<string>): string[] {
	const data = input.page.data;
	const source = input.snippets.get(ref.file);
	const decl = data.snippets.find((d) => d.file === ref.file);
	if (source === undefined || !decl) throw new Error(`${input.page.file}:${ref.line}: <Snippet file="${ref.file}">: no such declared snippet file.`);
	const id = snippetId(data.name, ref.file);
	const lang = languageOf(ref.file) ?? '';
	const shown = extractRegion(source, id, ref.region);
	const whole = !printedWhole.has(ref.file);
	printedWhole.add(ref.file);
	const claim =
		decl.role === 'module'
			? 'a module the programs import'
			: `a program; the page claims it ends in \`${decl.expect}\`${decl.expect === 'deadlock' || decl.expect === 'timeout' ? ` (it does not finish within ${decl.timeoutMs / 1000} s)` : ''}`;
	const head = whole
		? `**\`${ref.file}\`**: ${claim}. [Download](${input.snippetUrl(ref.file)}).${decl.summary ? ` ${decl.summary}` : ''}`
		: `From \`${ref.file}\`, lines ${shown[0]?.number ?? 0}–${shown[shown.length - 1]?.number ?? 0}:`;
	const code = whole ? source.replace(/\n$/, '') : shown.map((l) => l.text).join('\n');
	const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1));
	const out = ['', head, '', `${fence}${lang}`, code, fence, ''];
	const marks = (needles: string[], label: string) => {
		const numbers = findMarkedLines(shown, needles, id);
		const byNumber = new Map(shown.map((l) => [l.number, l.text.trim()]));
		for (const n of [...new Set(numbers)].sort((a, b) => a - b)) out.push(`${label} line ${n}: ${inlineCode(byNumber.get(n) ?? '')}`, '');
	};
	marks(ref.bad, 'The bug is on');
	marks(ref.good, 'The fix is on');
	const observed = input.observed.get(ref.file);
	if (decl.role === 'program' && whole) {
		out.push(`Observed: ${observed?.sentence ?? 'not verified in this build'}.`);
		if (observed?.run?.witnessSummary) out.push(`Witness: ${observed.run.witnessSummary}`);
		out.push('');
	}
	return out;
}

/** `text` as Markdown inline code, fenced with more backticks than it contains. */
function inlineCode(text: string): string {
	const ticks = '`'.repeat(longestRun(text, '`') + 1);
	return ticks.length > 1 || text.startsWith('`') || text.endsWith('`') ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}

function longestRun(text: string, ch: string): number {
	let best = 0;
	let n = 0;
	for (const c of text) {
		n = c === ch ? n + 1 : 0;
		best = Math.max(best, n);
	}
	return best;
}

/** Runs of blank lines outside code fences become one; code is kept byte for byte. */
function collapseBlankLines(lines: string[]): string[] {
	const out: string[] = [];
	let fence: string | null = null;
	for (const l of lines.flatMap((x) => x.split('\n'))) {
		const m = /^(`{3,}|~{3,})/.exec(l);
		if (fence) {
			out.push(l);
			if (m && m[1][0] === fence[0] && m[1].length >= fence.length && l.trim() === m[1]) fence = null;
			continue;
		}
		if (m) fence = m[1];
		if (l.trim() === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
		out.push(l.trim() === '' ? '' : l);
	}
	return out;
}
