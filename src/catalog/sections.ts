import { proseLines } from './markdown-lines.ts';

/** An ATX heading (`## Title`) of a page body. */
export interface Heading {
	depth: number;
	text: string;
	line: number;
}

/** The headings of an MDX body, outside code fences, with their line numbers in the page file. */
export function findHeadings(body: string, bodyStartLine: number): Heading[] {
	return proseLines(body, bodyStartLine).flatMap(({ number, text }) => {
		const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(text);
		return m ? [{ depth: m[1].length, text: m[2], line: number }] : [];
	});
}

/** A section every trap page must have, in this order, as a level-2 heading. */
export interface RequiredSection {
	/** What the heading must start with (case-insensitive). */
	heading: string;
	/** Texts the section must contain, e.g. the labels of its parts or the component it uses. */
	mustContain: string[];
}

export const REQUIRED_SECTIONS: readonly RequiredSection[] = [
	{ heading: 'Problem', mustContain: ['Symptom', 'Root cause', 'Common misconception'] },
	{ heading: 'Failure pattern', mustContain: ['<Snippet'] },
	{ heading: 'Solution', mustContain: ['<Snippet'] },
	{ heading: 'Red flags', mustContain: ['<RedFlags>'] },
	{ heading: 'Checklist', mustContain: ['<Checklist>'] },
];

/** A problem found in a page, located by line. */
export interface SectionProblem {
	line: number;
	message: string;
}

/**
 * Checks that `body` has every required section as a `##` heading, in order, each containing
 * what it must. Returns one problem per missing or incomplete section (empty when all hold).
 */
export function checkSections(body: string, bodyStartLine: number): SectionProblem[] {
	const lines = body.split('\n');
	const h2 = findHeadings(body, bodyStartLine).filter((h) => h.depth === 2);
	const problems: SectionProblem[] = [];
	let previous = -1;
	for (const section of REQUIRED_SECTIONS) {
		const idx = h2.findIndex((h) => h.text.toLowerCase().startsWith(section.heading.toLowerCase()));
		if (idx === -1) {
			problems.push({
				line: h2[previous + 1]?.line ?? bodyStartLine,
				message: `missing section "## ${section.heading}" (required, in the order ${REQUIRED_SECTIONS.map((s) => s.heading).join(' → ')}).`,
			});
			continue;
		}
		if (idx < previous) {
			problems.push({
				line: h2[idx].line,
				message: `section "## ${h2[idx].text}" is out of order; the order is ${REQUIRED_SECTIONS.map((s) => s.heading).join(' → ')}.`,
			});
		}
		previous = Math.max(previous, idx);
		const from = h2[idx].line - bodyStartLine + 1;
		const to = idx + 1 < h2.length ? h2[idx + 1].line - bodyStartLine : lines.length;
		const text = lines.slice(from, to).join('\n');
		for (const needle of section.mustContain) {
			if (!text.includes(needle)) {
				problems.push({ line: h2[idx].line, message: `section "## ${h2[idx].text}" must contain ${needle}.` });
			}
		}
	}
	return problems;
}
