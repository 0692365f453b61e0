import yaml from 'js-yaml';

/**
 * Reading trap cards: Markdown files with frontmatter `name`, `description`, `version`,
 * `category`, an H1 title, and `##` sections of paragraphs, list items and fenced code — the
 * format the catalog publishes at /traps/<id>/card.md and the seed arrived in.
 */

/** One block of a card section, with its 1-based line in the card file. */
export type CardBlock =
	| { kind: 'paragraph' | 'item' | 'quote'; text: string; line: number }
	| { kind: 'heading'; text: string; depth: number; line: number }
	| { kind: 'code'; lang: string; code: string; line: number };

export interface CardSection {
	heading: string;
	line: number;
	blocks: CardBlock[];
}

export interface ParsedCard {
	/** Every frontmatter field, as written. */
	front: Record<string, unknown> & { name: string; description: string; version: string; category: string };
	title: string;
	/** Blocks between the title and the first section. */
	intro: CardBlock[];
	sections: CardSection[];
	/** True when the card had the seed's transit damage and was repaired first (see {@link repairFlattenedCard}). */
	repaired: boolean;
}

/** A malformed card: the message starts with `file:line:` and says what to fix. */
export class CardError extends Error {
	override name = 'CardError';
}

const REQUIRED_FRONT = ['name', 'description', 'version', 'category'] as const;

/**
 * Parses a card. A card without `---` frontmatter fences whose first line reads
 * `name: … description: … version: … category: …` is taken as damaged in transit like the seed
 * and repaired first. Throws a CardError naming the line for a missing or unterminated
 * frontmatter, a missing field, invalid YAML, a missing `# title`, an unterminated code fence,
 * or a card without sections.
 */
export function parseCard(text: string, file: string): ParsedCard {
	let source = text.replace(/\r\n?/g, '\n');
	let repaired = false;
	let origin: number[] | null = null;
	if (!source.startsWith('---\n') && /^name:\s.*\sdescription:\s/.test(source)) {
		({ text: source, origin } = repairFlattenedCard(source));
		repaired = true;
	}
	const lines = source.split('\n');
	// Lines are named in the file as written, also for a card repaired first.
	const fail = (line: number, message: string): never => {
		throw new CardError(`${file}:${origin ? (origin[line - 1] ?? origin[origin.length - 1]) : line}: ${message}`);
	};
	if (lines[0]?.trim() !== '---') fail(1, 'a card starts with a "---" line, then the frontmatter fields name, description, version, category, then "---".');
	const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
	if (close === -1) fail(1, 'unterminated frontmatter: add a "---" line after the fields.');
	let front: Record<string, unknown>;
	try {
		front = (yaml.load(lines.slice(1, close).join('\n')) ?? {}) as Record<string, unknown>;
	} catch (e) {
		const err = e as yaml.YAMLException;
		return fail(2 + (err.mark?.line ?? 0), `invalid YAML in the frontmatter: ${err.reason}`);
	}
	if (typeof front !== 'object' || Array.isArray(front)) fail(2, 'the frontmatter must be "field: value" lines.');
	for (const field of REQUIRED_FRONT) {
		if (typeof front[field] !== 'string' && typeof front[field] !== 'number') {
			fail(1, `frontmatter: "${field}" is missing; a card has name, description, version and category.`);
		}
		front[field] = String(front[field]);
	}
	if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(front.name as string)) {
		const line = lines.slice(1, close).findIndex((l) => /^name\s*:/.test(l)) + 2;
		fail(line, `frontmatter: name "${front.name}" must be kebab-case (lower-case words joined by "-"): it becomes the page's file name and URL.`);
	}

	let title: string | undefined;
	const intro: CardBlock[] = [];
	const sections: CardSection[] = [];
	const target = () => (sections.length ? sections[sections.length - 1].blocks : intro);
	let paragraph: { text: string[]; line: number; kind: 'paragraph' | 'item' | 'quote' } | null = null;
	const flush = () => {
		if (paragraph) target().push({ kind: paragraph.kind, text: paragraph.text.join(' ').trim(), line: paragraph.line });
		paragraph = null;
	};
	for (let i = close + 1; i < lines.length; i++) {
		const line = lines[i];
		const number = i + 1;
		const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
		if (fence) {
			flush();
			const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence[2][0].repeat(fence[2].length)) && /^[`~]+$/.test(l.trim()));
			if (end === -1) fail(number, `code block opened here with ${fence[2]} is never closed; add a closing ${fence[2]} line.`);
			target().push({ kind: 'code', lang: fence[3] || '', code: lines.slice(i + 1, end).join('\n'), line: number });
			i = end;
			continue;
		}
		const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
		if (heading) {
			flush();
			const depth = heading[1].length;
			if (depth === 1 && title === undefined && sections.length === 0) title = heading[2];
			else if (depth === 2) sections.push({ heading: heading[2], line: number, blocks: [] });
			else target().push({ kind: 'heading', text: heading[2], depth, line: number });
			continue;
		}
		if (line.trim() === '') {
			flush();
			continue;
		}
		const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
		if (item && !/^\s{2,}/.test(line)) {
			flush();
			paragraph = { kind: 'item', text: [item[1].replace(/^\[[ xX]\]\s+/, '')], line: number };
			continue;
		}
		const quote = /^>\s?(.*)$/.exec(line);
		if (quote && !paragraph) {
			paragraph = { kind: 'quote', text: [quote[1]], line: number };
			continue;
		}
		if (paragraph) paragraph.text.push(line.trim());
		else paragraph = { kind: 'paragraph', text: [line.trim()], line: number };
	}
	flush();
	if (title === undefined) fail(close + 2, 'the card has no title: add a "# Title" line after the frontmatter.');
	if (sections.length === 0) fail(close + 2, 'the card has no sections: give each part a "## Heading" (Problem, Failure pattern, Solution, Red flags, Checklist).');
	return { front: front as ParsedCard['front'], title: title!, intro, sections, repaired };
}

/** A section heading as the seed wrote them: Title Case words, optionally followed by ": more". */
const DAMAGED_HEADING = /^[A-Z][\w-]*(?: [A-Z][\w.-]*){0,5}(?::\s.*)?$/;
/** The first line of a program in a damaged card. */
const CODE_START = /^(?:class |def |async def |import |from \S+ import |@\w|(?:export )?(?:async )?function |(?:export )?(?:const|let|class|interface) )/;
/** Words after which a damaged list item goes on: the next line was inline code in the same item. */
const GOES_ON = /(?::|\b(?:a|an|the|to|of|with|use|across|add|adding|and|or|than|like|unlike|via|in|on|for|by|from|call|calls|is|are))$/i;

/**
 * Restores the seed's transit damage, as far as it can be restored, into a well-formed card:
 * the frontmatter was flattened onto line 1, the title and section headings lost their `#`,
 * code fences vanished (and with them Python's indentation, which cannot be restored), list
 * items were run together (`… deadlocks. - Next item`), and inline code was moved to the start
 * of a new line or glued to the next word. Headings are recognised as Title Case lines; code as
 * the lines from a `class`/`def`/`import` line to the next heading; a line that starts with
 * lower-case text is the rest of the item before it when that item breaks off mid-phrase, and
 * otherwise an item of its own that lost its bullet.
 */
export function repairFlattenedCard(text: string): { text: string; origin: number[] } {
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	const fm = /^name:\s*(.*?)\s+description:\s*(.*?)\s+version:\s*(\S+)\s+category:\s*(.*?)\s*$/.exec(lines[0]);
	const out: string[] = [];
	/** For each line of `out`, the 1-based line of `text` it came from. */
	const origin: number[] = [];
	let at = 1;
	const emit = (...ls: string[]) => {
		out.push(...ls);
		origin.push(...ls.map(() => at));
	};
	emit('---');
	if (fm) {
		emit(`name: ${fm[1]}`, `description: ${JSON.stringify(fm[2])}`, `version: ${fm[3]}`, `category: ${fm[4]}`);
	} else {
		emit(lines[0]);
	}
	emit('---', '');
	at = 2;
	emit(`# ${lines[1]?.trim() ?? ''}`);
	let inCode = false;
	let lastKind: 'heading' | 'item' | 'paragraph' | null = null;
	const closeCode = () => {
		if (inCode) emit('```');
		inCode = false;
	};
	for (const [k, raw] of lines.slice(2).entries()) {
		at = k + 3;
		const line = raw.trim();
		if (line === '') continue;
		if (DAMAGED_HEADING.test(line) && !CODE_START.test(line)) {
			closeCode();
			emit('', `## ${line}`, '');
			lastKind = 'heading';
			continue;
		}
		if (inCode) {
			emit(raw);
			continue;
		}
		if (CODE_START.test(line)) {
			emit('', '```' + (/^(?:class |def |async def |import |from )/.test(line) ? 'python' : 'typescript'), raw);
			inCode = true;
			continue;
		}
		const parts = line.split(/(?:\s+|(?<=[.\w)]))-\s+(?=\S)/).filter((p) => p.trim() !== '');
		parts.forEach((part, k) => {
			const bullet = /^-\s+/.test(part);
			const text = part.replace(/^-\s+/, '');
			const previous = out[out.length - 1] ?? '';
			if (k === 0 && !bullet && lastKind === 'item' && GOES_ON.test(previous.trimEnd())) {
				out[out.length - 1] = `${previous} ${text}`;
			} else if (k > 0 || bullet || (/^[a-z_`]/.test(text) && lastKind !== 'paragraph')) {
				emit(`- ${text}`);
				lastKind = 'item';
			} else {
				emit('', text, '');
				lastKind = 'paragraph';
			}
		});
	}
	closeCode();
	// One blank line between blocks, as written; each kept line keeps its origin.
	const keep = out.map((l, i) => !(l === '' && (i === 0 || out[i - 1] === '')));
	return { text: out.filter((_, i) => keep[i]).join('\n') + '\n', origin: origin.filter((_, i) => keep[i]) };
}
