import type { SnippetLine } from '../../catalog/regions.ts';

/** How a shown line is marked: the line that shows the bug, or the line that fixes it. */
export type LineMark = 'bad' | 'good';

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
