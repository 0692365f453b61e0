import yaml from 'js-yaml';
import type { CardBlock, CardSection, ParsedCard } from './card-parse.ts';
import { LANGUAGE_BY_EXTENSION } from '../verify/languages.ts';

/** What importing a card produces: files to write (paths relative to the project root) and what it could not know. */
export interface ImportedTrap {
	id: string;
	files: Map<string, string>;
	/** One line per thing the author still has to supply, as the CLI prints them. */
	todos: string[];
}

/** Labels of the Problem section's parts, in the languages cards have arrived in, mapped to the page's labels. */
export const PROBLEM_LABELS: ReadonlyArray<[RegExp, string]> = [
	[/^(?:\*\*)?(?:symptoms?|증상)\s*:\s*(?:\*\*)?\s*/i, 'Symptom'],
	[/^(?:\*\*)?(?:root cause|근본 원인)\s*:\s*(?:\*\*)?\s*/i, 'Root cause'],
	[/^(?:\*\*)?(?:common misconception|흔한 오해)\s*:\s*(?:\*\*)?\s*/i, 'Common misconception'],
];

const EXT: Record<string, string> = { python: 'py', py: 'py', typescript: 'ts', ts: 'ts', javascript: 'ts', js: 'ts' };

/** `Failure Pattern` → `failure_pattern`: a file stem from a section heading. */
export function stemOf(heading: string): string {
	return (
		heading
			.split(':')[0]
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '_')
			.replace(/^_+|_+$/g, '') || 'section'
	);
}

/** What a program from this section is most likely claimed to do; the author must confirm it. */
function guessExpect(heading: string): 'deadlock' | 'completed' {
	return /fail|bug|broken|wrong|bad|deadlock|trap|problem/i.test(heading) ? 'deadlock' : 'completed';
}

/**
 * Turns a parsed card into a trap page and snippet files. Every section is kept, in the card's
 * order, an unknown one too; each code block becomes a snippet file named from its section
 * (`failure_pattern.py`, `solution.py`, `solution_2.py`) holding the block between region
 * markers and a `main()` that raises NotImplementedError saying what to write. What the card
 * cannot say — what each program must end in, the workload that shows it, severity and
 * symptoms — is written as a best guess marked `TODO(import)` on the page and in each file, and
 * listed in `todos`; the programs fail verification until they are written.
 */
export function importCard(card: ParsedCard, sourcePath: string): ImportedTrap {
	const sourceName = sourcePath.replace(/^.*[\\/]/, '');
	const id = card.front.name;
	const files = new Map<string, string>();
	const todos: string[] = [];
	const snippets: Array<{ file: string; expect: string; section: string }> = [];
	const languages = new Set<string>();
	const body: string[] = [];
	if (card.repaired) {
		body.push(
			`{/* TODO(import): ${sourceName} had lost its formatting in transit (flattened frontmatter, no "#" or code fences, inline code glued to words). Headings, lists and code were restored by rule; check the prose for glued words ("asyncio.Lockis") and put inline code back in backticks. */}`,
			'',
		);
		todos.push('The card had lost its formatting: check the prose for glued words and restore inline code, and the code for lost indentation.');
	}
	for (const block of card.intro) body.push(...renderBlock(block), '');
	for (const section of card.sections) {
		body.push(`## ${section.heading}`, '');
		const kind = /^red flags/i.test(section.heading) ? 'RedFlags' : /^checklist/i.test(section.heading) ? 'Checklist' : null;
		const items = section.blocks.filter((b) => b.kind === 'item');
		let opened = false;
		let closed = false;
		let n = 0;
		for (const block of section.blocks) {
			if (kind && block.kind === 'item' && !opened) {
				body.push(`<${kind}>`, '');
				opened = true;
			}
			if (block.kind === 'code') {
				const lang = EXT[block.lang.toLowerCase()] ?? (/^(?:import|from|class|def|async def)\b/m.test(block.code) ? 'py' : 'ts');
				const file = `${stemOf(section.heading)}${++n > 1 ? `_${n}` : ''}.${lang}`;
				languages.add(LANGUAGE_BY_EXTENSION[`.${lang}`]);
				const expect = guessExpect(section.heading);
				snippets.push({ file, expect, section: section.heading });
				files.set(`snippets/${id}/${file}`, programFile(id, file, section.heading, block.code, lang, expect));
				body.push(snippetTag(file, block.code), '');
				continue;
			}
			body.push(...renderBlock(block, section), '');
			if (kind && opened && !closed && block === items[items.length - 1]) {
				body.push(`</${kind}>`, '');
				closed = true;
			}
		}
		if (section.blocks.length === 0) body.push(`{/* TODO(import): the card's "${section.heading}" section is empty. */}`, '');
	}
	if (snippets.length === 0) todos.push('The card has no code: write a failure and a solution program (npm run new shows their shape).');
	for (const s of snippets) {
		todos.push(`snippets/${id}/${s.file}: from "${s.section}"; make it a complete program and confirm "expect: ${s.expect}" (or change it).`);
	}
	todos.push(`content/traps/${id}.mdx: confirm severity and symptoms (guessed), add tags and references.`);
	const text = body.join('\n').replace(/\n{3,}/g, '\n\n').replace(/^(- .*)\n\n(?=- )/gm, '$1\n').replace(/^(- .*)\n\n(?=- )/gm, '$1\n');
	files.set(`content/traps/${id}.mdx`, pageFile(card, id, sourceName, snippets, [...languages]) + text.trimEnd() + '\n');
	return { id, files, todos };
}

function renderBlock(block: CardBlock, section?: CardSection): string[] {
	switch (block.kind) {
		case 'paragraph':
			return [block.text];
		case 'quote':
			return [`> ${block.text}`];
		case 'heading':
			return [`${'#'.repeat(block.depth)} ${block.text}`];
		case 'item': {
			let text = block.text;
			if (section && /^problem/i.test(section.heading)) {
				for (const [re, label] of PROBLEM_LABELS) if (re.test(text)) text = `**${label}:** ${text.replace(re, '')}`;
			}
			return [`- ${text}`];
		}
		case 'code':
			return [];
	}
}

/** `<Snippet>` for an imported block; the lines marked ❌ / ✓ in the card become its bad / good marks. */
function snippetTag(file: string, code: string): string {
	const lines = code.split('\n').map((l) => l.trim());
	const marked = (sign: RegExp) => lines.filter((l) => sign.test(l) && lines.filter((m) => m === l).length === 1);
	const attr = (name: string, values: string[]) =>
		values.length === 0 ? '' : values.length === 1 && !values[0].includes('"') ? ` ${name}="${values[0]}"` : ` ${name}={${JSON.stringify(values)}}`;
	return `<Snippet file="${file}" region="card"${attr('bad', marked(/❌/))}${attr('good', marked(/✓/))} />`;
}

function programFile(id: string, file: string, section: string, code: string, ext: string, expect: string): string {
	const todo =
		`TODO(import): the card's "${section}" section showed this code, and only this code. The import cannot know the rest of ` +
		`the program, nor the workload that shows what it does. Make it a complete program whose main() runs that workload ` +
		`(e.g. 100 concurrent callers), then confirm in content/traps/${id}.mdx that a run ends in "${expect}".`;
	const message = `${expect === 'deadlock' ? 'write the failure program' : 'write the program'}: snippets/${id}/${file} holds the code of the card's "${section}" section; make main() run it under a workload that shows it ${expect === 'deadlock' ? 'deadlock' : 'completing'}`;
	if (ext === 'py') {
		return [
			`"""${todo}"""`,
			'',
			'# region card',
			code,
			'# endregion card',
			'',
			'',
			'def main():',
			`    raise NotImplementedError(${JSON.stringify(message)})`,
			'',
		].join('\n');
	}
	return [
		`// ${todo}`,
		'',
		'// #region card',
		code,
		'// #endregion card',
		'',
		'export async function main(): Promise<unknown> {',
		`\tthrow new Error(${JSON.stringify(`Not implemented: ${message}`)});`,
		'}',
		'',
	].join('\n');
}

function pageFile(card: ParsedCard, id: string, sourceName: string, snippets: Array<{ file: string; expect: string; section: string }>, languages: string[]): string {
	const text = JSON.stringify(card).toLowerCase();
	const symptom = /deadlock|hang|frozen|stuck/.test(text) ? 'hangs' : 'wrong-result';
	const dump = (v: unknown) => yaml.dump(v, { lineWidth: -1, flowLevel: 1 }).trimEnd();
	const extra = Object.entries(card.front).filter(([k]) => !['name', 'description', 'version', 'category'].includes(k));
	return [
		'---',
		`# Imported from ${sourceName} by \`npm run import\`. Lines marked TODO(import) are what the card could not say.`,
		dump({ name: id }),
		dump({ title: card.title }),
		dump({ description: card.front.description }),
		dump({ version: card.front.version }),
		dump({ category: card.front.category }),
		dump({ languages: languages.length ? languages : ['python'] }),
		'tags: []  # TODO(import): kebab-case tags',
		'severity: high  # TODO(import): the card does not say; low | medium | high | critical',
		`symptoms: [${symptom}]  # TODO(import): guessed; hangs | runs-twice | slow-under-load | wrong-result | crashes`,
		'related: []',
		'references: []  # TODO(import): cite official documentation or public issues for every claim about a language or library',
		...(extra.length ? [`# The card's other fields: ${JSON.stringify(Object.fromEntries(extra))}`] : []),
		'snippets:',
		...(snippets.length
			? snippets.flatMap((s) => [
					`  - file: ${s.file}`,
					`    expect: ${s.expect}  # TODO(import): guessed from the section "${s.section}"; what must a run end in? completed | raised | deadlock | timeout`,
				])
			: ['  []  # TODO(import): the card has no code; declare the programs (see npm run new)']),
		'---',
		'',
		`{/* TODO(import): ${card.title}, imported from ${sourceName}. Run \`npx vitest run --project content\` for what the page still lacks, then \`npm run check -- snippets/${id}/<file>\` for each program. */}`,
		'',
	].join('\n');
}
