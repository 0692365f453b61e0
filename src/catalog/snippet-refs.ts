import { proseLines } from './markdown-lines.ts';

/** The attributes `<Snippet>` takes. Every page reference is checked against this list. */
export const SNIPPET_ATTRIBUTES = ['file', 'region', 'bad', 'good', 'title'] as const;

/** A `<Snippet ... />` written in a page, as the build and the tests see it. */
export interface SnippetReference {
	/** 1-based line of the `<Snippet` in the page file. */
	line: number;
	/** Path relative to `snippets/<trap>/`. */
	file: string;
	region?: string;
	/** Texts naming the lines that show the bug. */
	bad: string[];
	/** Texts naming the lines that fix it. */
	good: string[];
	title?: string;
}

/** A reference that cannot be understood, located by line. */
export interface ReferenceProblem {
	line: number;
	message: string;
}

const ATTR = /\s*([A-Za-z]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^}]*)\}))?/y;

/**
 * Finds every `<Snippet ... />` in an MDX body (outside code fences). Attributes must be
 * string literals, or a JSON array of strings for `bad` and `good`, so that the build and the
 * tests can check each reference without rendering the page.
 */
export function findSnippetReferences(
	body: string,
	bodyStartLine: number,
): { references: SnippetReference[]; problems: ReferenceProblem[] } {
	const lines = proseLines(body, bodyStartLine);
	const references: SnippetReference[] = [];
	const problems: ReferenceProblem[] = [];
	for (let i = 0; i < lines.length; i++) {
		let at = lines[i].text.indexOf('<Snippet');
		while (at !== -1) {
			const line = lines[i].number;
			// Gather the tag, which may span lines, up to its "/>" or ">".
			let tag = lines[i].text.slice(at + '<Snippet'.length);
			let j = i;
			while (!/\/?>/.test(tag) && j + 1 < lines.length) tag += '\n' + lines[++j].text;
			const close = tag.search(/\/?>/);
			if (close === -1) {
				problems.push({ line, message: '<Snippet is never closed; end it with "/>".' });
				break;
			}
			const parsed = parseAttributes(tag.slice(0, close), line);
			if ('message' in parsed) problems.push(parsed);
			else references.push(parsed);
			at = j === i ? lines[i].text.indexOf('<Snippet', at + 1) : -1;
			i = j;
		}
	}
	return { references, problems };
}

function parseAttributes(text: string, line: number): SnippetReference | ReferenceProblem {
	const attrs: Record<string, string | string[]> = {};
	ATTR.lastIndex = 0;
	let rest = text.trim() ? text : '';
	let pos = 0;
	while (pos < rest.length) {
		ATTR.lastIndex = pos;
		const m = ATTR.exec(rest);
		if (!m || m[0].length === 0) {
			if (rest.slice(pos).trim() === '') break;
			return { line, message: `<Snippet>: cannot read attributes near "${rest.slice(pos).trim().slice(0, 30)}".` };
		}
		pos = ATTR.lastIndex;
		const [, name, dq, sq, expr] = m;
		if (!(SNIPPET_ATTRIBUTES as readonly string[]).includes(name)) {
			return { line, message: `<Snippet>: unknown attribute "${name}"; it takes ${SNIPPET_ATTRIBUTES.join(', ')}.` };
		}
		if (expr !== undefined) {
			let value: unknown;
			try {
				value = JSON.parse(expr);
			} catch {
				value = undefined;
			}
			if (!Array.isArray(value) || !value.every((v) => typeof v === 'string') || !['bad', 'good'].includes(name)) {
				return {
					line,
					message: `<Snippet>: attribute "${name}" must be a string literal${['bad', 'good'].includes(name) ? ' or a JSON array of strings' : ''}, not {${expr}}.`,
				};
			}
			attrs[name] = value;
		} else if (dq !== undefined || sq !== undefined) {
			attrs[name] = (dq ?? sq) as string;
		} else {
			return { line, message: `<Snippet>: attribute "${name}" needs a value.` };
		}
	}
	if (typeof attrs.file !== 'string' || !attrs.file) {
		return { line, message: '<Snippet>: the "file" attribute is required, e.g. <Snippet file="failure.py" />.' };
	}
	const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
	return {
		line,
		file: attrs.file,
		region: typeof attrs.region === 'string' ? attrs.region : undefined,
		bad: list(attrs.bad),
		good: list(attrs.good),
		title: typeof attrs.title === 'string' ? attrs.title : undefined,
	};
}
