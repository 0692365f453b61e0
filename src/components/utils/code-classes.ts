import type { ShikiTransformer } from 'shiki';

/**
 * The Shiki theme every code block uses: Shiki's CSS-variables theme as Astro names it, whose
 * token colours are `var(--astro-code-<role>)`. `codeClassesTransformer` turns those into classes,
 * and `src/styles/code.css` gives each role its light and dark colour.
 */
export const CODE_THEME = 'css-variables';

/** The class a token of colour role `role` gets: `c-keyword` for `--astro-code-token-keyword`. */
export function roleClass(role: string): string {
	return `c-${role.replace(/^token-/, '')}`;
}

const COLOR = /^color:var\(--astro-code-([a-z-]+)\)$/;
/** Roles shown as plain text: the foreground, and punctuation, which GitHub's themes colour alike. */
const PLAIN_ROLES = new Set(['foreground', 'token-punctuation']);
const FONT_STYLE: Record<string, string> = {
	'font-style:italic': 'c-italic',
	'font-weight:bold': 'c-bold',
	'text-decoration:underline': 'c-underline',
};

type Element = { type: 'element'; tagName: string; properties: Record<string, unknown>; children: Node[] };
type Node = Element | { type: 'text'; value: string } | { type: string };

/**
 * The classes that replace a token's inline style (`color:var(--astro-code-token-string);font-style:italic`),
 * or null when the style holds something this mapping does not know, so the style is kept as it is.
 * The foreground and punctuation roles map to no class: such a token is plain text.
 */
export function classesForStyle(style: string): string[] | null {
	const classes: string[] = [];
	for (const part of style.split(';').map((p) => p.trim()).filter(Boolean)) {
		const color = COLOR.exec(part);
		if (color) {
			if (!PLAIN_ROLES.has(color[1])) classes.push(roleClass(color[1]));
		} else if (FONT_STYLE[part]) {
			classes.push(FONT_STYLE[part]);
		} else {
			return null;
		}
	}
	return classes;
}

/** Rewrites one line's token spans: classes for styles, plain text for plain tokens, neighbours of one class merged. */
function compactLine(line: Element): void {
	const out: Node[] = [];
	for (const child of line.children) {
		let node = child;
		if (node.type === 'element') {
			const el = node as Element;
			const style = el.properties.style;
			const classes = typeof style === 'string' ? classesForStyle(style) : null;
			if (classes) {
				delete el.properties.style;
				if (classes.length === 0 && Object.keys(el.properties).length === 0 && el.children.length === 1 && el.children[0].type === 'text') {
					node = el.children[0];
				} else if (classes.length) {
					el.properties.class = classes.join(' ');
				}
			}
		}
		const prev = out[out.length - 1];
		if (prev && node.type === 'text' && prev.type === 'text') {
			(prev as { value: string }).value += (node as { value: string }).value;
		} else if (prev && sameSpan(prev, node)) {
			(prev as Element).children.push(...(node as Element).children);
		} else {
			out.push(node);
		}
	}
	line.children = out;
}

/** Two spans that differ only in their text. */
function sameSpan(a: Node, b: Node): boolean {
	if (a.type !== 'element' || b.type !== 'element') return false;
	const x = a as Element;
	const y = b as Element;
	if (x.tagName !== 'span' || y.tagName !== 'span') return false;
	const kx = Object.keys(x.properties);
	return kx.length === Object.keys(y.properties).length && kx.every((k) => x.properties[k] === y.properties[k]);
}

/**
 * A Shiki transformer for the CSS-variables theme that gives every token a class instead of an
 * inline style (`<span class="c-keyword">`), leaves plain tokens as bare text, merges neighbouring
 * tokens of one class, and drops the `<pre>` element's inline colours (code.css sets them), so a
 * page carries each colour once in its stylesheet instead of once per token.
 */
export function codeClassesTransformer(): ShikiTransformer {
	return {
		name: 'trap-catalog:code-classes',
		pre(node) {
			const style = node.properties.style;
			if (typeof style === 'string') {
				const kept = style
					.split(';')
					.map((p) => p.trim())
					.filter((p) => p && !/^(background-)?color:var\(--astro-code-/.test(p));
				if (kept.length) node.properties.style = kept.join(';');
				else delete node.properties.style;
			}
		},
		line(node) {
			compactLine(node as unknown as Element);
		},
	};
}
