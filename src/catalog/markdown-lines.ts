/** A line of a page body with its 1-based line number in the page file. */
export interface BodyLine {
	number: number;
	text: string;
}

/**
 * The body lines that are prose or MDX, with fenced code blocks (``` and ~~~) left out,
 * so that examples inside fences are never mistaken for headings or components.
 */
export function proseLines(body: string, bodyStartLine: number): BodyLine[] {
	const out: BodyLine[] = [];
	let fence: string | null = null;
	body.split('\n').forEach((text, i) => {
		const m = /^\s*(`{3,}|~{3,})/.exec(text);
		if (fence) {
			if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
			return;
		}
		if (m) {
			fence = m[1];
			return;
		}
		out.push({ number: bodyStartLine + i, text });
	});
	return out;
}
