/** A line of a page body with its 1-based line number in the page file. */
export interface BodyLine {
	number: number;
	text: string;
}

/**
 * Splits a page body into its prose or MDX lines and the opening lines of its fenced code
 * blocks (``` and ~~~); lines inside fences belong to neither.
 */
export function scanBody(body: string, bodyStartLine: number): { prose: BodyLine[]; fences: BodyLine[] } {
	const prose: BodyLine[] = [];
	const fences: BodyLine[] = [];
	let fence: string | null = null;
	body.split('\n').forEach((text, i) => {
		const m = /^\s*(`{3,}|~{3,})/.exec(text);
		if (fence) {
			if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
			return;
		}
		if (m) {
			fence = m[1];
			fences.push({ number: bodyStartLine + i, text });
			return;
		}
		prose.push({ number: bodyStartLine + i, text });
	});
	return { prose, fences };
}

/** The body lines that are prose or MDX, so that examples inside fences are never mistaken for headings or components. */
export function proseLines(body: string, bodyStartLine: number): BodyLine[] {
	return scanBody(body, bodyStartLine).prose;
}
