import type { ShikiTransformer } from 'shiki';
import type { SnippetLine } from '../../catalog/regions.ts';

/** How a shown line is marked: the line that shows the bug, or the line that fixes it. */
export type LineMark = 'bad' | 'good';

/**
 * A Shiki transformer that gives every shown line its real line number in the snippet file
 * (`data-line`, which the CSS prints in the gutter), marks the `bad` and `good` lines with a
 * class and `data-mark`, and with `anchors` gives each line an id (`L12`) that links can target.
 */
export function snippetLinesTransformer(
	lines: SnippetLine[],
	marks: Map<number, LineMark>,
	options: { anchor?: (line: number) => string } = {},
): ShikiTransformer {
	return {
		name: 'trap-catalog:snippet-lines',
		pre(node) {
			this.addClassToHast(node, 'numbered');
		},
		line(node, index) {
			const shown = lines[index - 1];
			if (!shown) return;
			if (options.anchor) node.properties.id = options.anchor(shown.number);
			node.properties['data-line'] = String(shown.number);
			const mark = marks.get(shown.number);
			if (mark) {
				this.addClassToHast(node, `mark-${mark}`);
				node.properties['data-mark'] = mark;
			}
		},
	};
}

/** Marks keyed by real line number, `good` winning over `bad` if a line is named twice. */
export function lineMarks(bad: number[], good: number[]): Map<number, LineMark> {
	const marks = new Map<number, LineMark>();
	for (const n of bad) marks.set(n, 'bad');
	for (const n of good) marks.set(n, 'good');
	return marks;
}

/** "line 12", "lines 12–40": the span of the file that a shown region covers. */
export function describeSpan(lines: SnippetLine[]): string {
	if (lines.length === 0) return 'empty';
	const first = lines[0].number;
	const last = lines[lines.length - 1].number;
	return first === last ? `line ${first}` : `lines ${first}–${last}`;
}
