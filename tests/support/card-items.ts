import { PROBLEM_LABELS } from '../../src/catalog/import-card.ts';

/**
 * An item's text with the seed's transit damage and our own formatting normalised away the
 * same way on both sides: Markdown marks and links dropped, the Problem labels in English, and
 * every character that is not a letter or digit removed (the damage glued inline code to its
 * neighbours, so spaces cannot be compared), lower-cased.
 */
export function normaliseItem(text: string): string {
	let t = text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, '');
	for (const [re, label] of PROBLEM_LABELS) t = t.replace(re, `${label}: `);
	return t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function bigrams(s: string): Map<string, number> {
	const m = new Map<string, number>();
	for (let i = 0; i + 1 < s.length; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
	return m;
}

/** How much of `original` (0–1, by character pairs) is found in `candidate`, both normalised. */
export function coverage(original: string, candidate: string): number {
	const a = bigrams(normaliseItem(original));
	const b = bigrams(normaliseItem(candidate));
	let found = 0;
	let total = 0;
	for (const [k, n] of a) {
		total += n;
		found += Math.min(n, b.get(k) ?? 0);
	}
	return total === 0 ? 1 : found / total;
}

/** The candidate that covers `original` best, with its coverage. */
export function bestMatch(original: string, candidates: readonly string[]): { text: string; coverage: number } {
	return candidates.map((text) => ({ text, coverage: coverage(original, text) })).sort((x, y) => y.coverage - x.coverage)[0] ?? { text: '', coverage: 0 };
}

/** A section name compared across formats: case, punctuation and spacing ignored. */
export const sectionKey = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
