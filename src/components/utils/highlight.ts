import type { Element, ElementContent, Root } from 'hast';
import { createCssVariablesTheme, createHighlighter, type Highlighter } from 'shiki';
import { hastToHtml } from 'shiki/core';
import type { SnippetLine } from '../../catalog/regions.ts';
import { CODE_THEME, codeClassesTransformer } from './code-classes.ts';
import type { LineMark } from './snippet-lines.ts';

/** The CSS-variables theme as Astro configures it for Markdown fences (`--astro-code-*`), so both look alike. */
const theme = createCssVariablesTheme({ name: CODE_THEME, variablePrefix: '--astro-code-' });
let highlighter: Promise<Highlighter> | undefined;

/** One highlighter for the whole build, languages loaded as they are first needed. */
async function getHighlighter(lang: string): Promise<Highlighter> {
	highlighter ??= createHighlighter({ themes: [theme], langs: [] });
	const h = await highlighter;
	if (lang !== 'plaintext' && !h.getLoadedLanguages().includes(lang)) await h.loadLanguage(lang as Parameters<Highlighter['loadLanguage']>[0]);
	return h;
}

/** A snippet file's highlighted lines: the inner HTML of each, keyed by its real line number. */
export type HighlightedLines = Map<number, string>;

const cache = new Map<string, { code: string; lang: string; lines: Promise<HighlightedLines> }>();

/**
 * The highlighted lines of a whole snippet file (`lines`: every shown line with its number),
 * tokenized once per build and file: a region and the whole-file page both take their lines from
 * it, and a region is highlighted in the context of its file. `key` names the file
 * (`snippets/<trap>/<file>`); a changed text is highlighted again.
 */
export function highlightFile(key: string, lines: SnippetLine[], lang: string): Promise<HighlightedLines> {
	const code = lines.map((l) => l.text).join('\n');
	const hit = cache.get(key);
	if (hit && hit.code === code && hit.lang === lang) return hit.lines;
	const result = (async () => {
		const h = await getHighlighter(lang);
		const root = h.codeToHast(code, { lang, theme: CODE_THEME, transformers: [codeClassesTransformer()] });
		const out: HighlightedLines = new Map();
		codeLines(root).forEach((line, i) => out.set(lines[i].number, hastToHtml({ type: 'root', children: line.children })));
		return out;
	})();
	cache.set(key, { code, lang, lines: result });
	return result;
}

/** The `.line` elements of Shiki's output, in order. */
function codeLines(root: Root): Element[] {
	const pre = root.children.find((c): c is Element => c.type === 'element' && c.tagName === 'pre');
	const code = pre?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
	return (code?.children ?? []).filter((c: ElementContent): c is Element => c.type === 'element');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * The HTML of a code block showing `lines` (a region or the whole file) from `highlighted`: each
 * line with its real number (`data-line`, which code.css prints in the gutter), the marked lines
 * with a class and `data-mark`, and with `anchor` an id per line (`L12`) for links to target.
 * Throws naming the line when `highlighted` lacks one, which means the file changed in between.
 */
export function renderCode(input: {
	lang: string;
	lines: SnippetLine[];
	highlighted: HighlightedLines;
	marks: Map<number, LineMark>;
	anchor?: (line: number) => string;
}): string {
	const { lang, lines, highlighted, marks, anchor } = input;
	const body = lines.map(({ number }) => {
		const html = highlighted.get(number);
		if (html === undefined) throw new Error(`line ${number} is not among the highlighted lines of its file`);
		const mark = marks.get(number);
		const id = anchor ? ` id="${escapeAttr(anchor(number))}"` : '';
		const marked = mark ? ` mark-${mark}` : '';
		const data = mark ? ` data-mark="${mark}"` : '';
		return `<span class="line${marked}"${id} data-line="${number}"${data}>${html}</span>`;
	});
	return `<pre class="astro-code ${CODE_THEME} numbered" tabindex="0" data-language="${escapeAttr(lang)}"><code>${body.join('\n')}</code></pre>`;
}
