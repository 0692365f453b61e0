import yaml from 'js-yaml';
import { formatFieldPath, locateField, splitFrontmatter, type FieldPath, type SplitSource } from './frontmatter.ts';
import { scanBody } from './markdown-lines.ts';
import { extractRegion, findMarkedLines } from './regions.ts';
import { trapSchema, type TrapFrontmatter } from './schema.ts';
import { checkSections } from './sections.ts';
import { findSnippetReferences, type SnippetReference } from './snippet-refs.ts';
import { resolveSnippetPath, snippetId } from './snippet-path.ts';

/** Something wrong with a page, located so an author can jump to it. */
export interface CatalogProblem {
	/** Path of the file at fault, relative to the project root. */
	file: string;
	/** 1-based line in that file. */
	line: number;
	/** The frontmatter field or page element at fault, e.g. `snippets[1].expect` or `<Snippet>`. */
	field?: string;
	message: string;
}

/** `file:line: field: message`, the form editors and CI logs turn into links. */
export function formatProblem(p: CatalogProblem): string {
	return `${p.file}:${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** All problems as one error, with what to do next. */
export class CatalogError extends Error {
	override name = 'CatalogError';
	readonly problems: CatalogProblem[];
	constructor(problems: CatalogProblem[]) {
		super(
			`${problems.length} problem${problems.length === 1 ? '' : 's'} in the trap catalog:\n` +
				problems.map((p) => '  ' + formatProblem(p)).join('\n') +
				'\nFix each line above; README.md "Adding a trap" describes the page format.',
		);
		this.problems = problems;
	}
}

/** A trap page parsed far enough to check it. */
export interface ParsedTrapPage {
	/** Path relative to the project root, e.g. `content/traps/<name>.mdx`. */
	file: string;
	/** The file name without `.mdx`: the page's URL id. */
	id: string;
	split: SplitSource;
	/** Present when the frontmatter matches the schema. */
	data?: TrapFrontmatter;
	problems: CatalogProblem[];
}

/**
 * Parses a page's frontmatter and validates it against the trap schema. Every schema issue
 * becomes a problem naming the file, the line of the field and the field.
 */
export function parseTrapPage(file: string, source: string): ParsedTrapPage {
	const id = file.replace(/^.*\//, '').replace(/\.mdx$/, '');
	let split: SplitSource;
	try {
		split = splitFrontmatter(source, file);
	} catch (e) {
		const message = (e as Error).message.replace(/^.*?:1: /, '');
		return { file, id, split: { yaml: '', yamlStartLine: 1, body: source, bodyStartLine: 1 }, problems: [{ file, line: 1, message }] };
	}
	let raw: unknown;
	try {
		raw = yaml.load(split.yaml) ?? {};
	} catch (e) {
		const err = e as yaml.YAMLException;
		return {
			file,
			id,
			split,
			problems: [{ file, line: split.yamlStartLine + (err.mark?.line ?? 0), field: 'frontmatter', message: `invalid YAML: ${err.reason}` }],
		};
	}
	const problems = validateFrontmatter(raw, { file, id, split });
	const result = trapSchema.safeParse(raw);
	return { file, id, split, data: problems.length === 0 && result.success ? result.data : undefined, problems };
}

/**
 * Validates parsed frontmatter `raw` of page `file` against the schema and the rule that
 * `name` equals the file name; returns located problems (empty when valid).
 */
export function validateFrontmatter(raw: unknown, page: { file: string; id: string; split: SplitSource }): CatalogProblem[] {
	const at = (path: FieldPath) => {
		const rel = locateField(page.split.yaml, path);
		return rel === 0 ? page.split.yamlStartLine - 1 : page.split.yamlStartLine + rel - 1;
	};
	const result = trapSchema.safeParse(raw);
	const problems: CatalogProblem[] = [];
	if (!result.success) {
		for (const issue of result.error.issues) {
			problems.push({ file: page.file, line: at(issue.path), field: formatFieldPath(issue.path), message: issue.message });
		}
	} else if (result.data.name !== page.id) {
		problems.push({
			file: page.file,
			line: at(['name']),
			field: 'name',
			message: `"${result.data.name}" must equal the file name "${page.id}" (it is the page's URL id).`,
		});
	}
	return problems;
}

/** What checking a page's body and snippets needs from the outside world. */
export interface CheckContext {
	/** Project root (snippet paths resolve below `<root>/snippets`). */
	root: string;
	/** Names of every trap in the catalog. */
	knownTraps: ReadonlySet<string>;
	/** Reads a snippet file by absolute path; returns null when it does not exist, throws when it may not be read. */
	readSnippet(absolutePath: string): string | null;
}

/**
 * Checks everything about a valid page beyond its schema: related traps exist, every declared
 * snippet exists and is shown, every `<Snippet>` names a declared file, an existing region and
 * marked texts that are on exactly one shown line, and the required sections are present.
 */
export function checkTrapPage(page: ParsedTrapPage, ctx: CheckContext): CatalogProblem[] {
	const problems = [...page.problems];
	const data = page.data;
	if (!data) return problems;
	const { file, split } = page;
	const at = (path: FieldPath) => split.yamlStartLine + Math.max(locateField(split.yaml, path), 1) - 1;

	data.related.forEach((name, i) => {
		if (!ctx.knownTraps.has(name)) {
			problems.push({ file, line: at(['related', i]), field: `related[${i}]`, message: `no trap named "${name}" (content/traps/${name}.mdx does not exist).` });
		}
	});

	const sources = new Map<string, string>();
	data.snippets.forEach((decl, i) => {
		let path: string;
		try {
			path = resolveSnippetPath(ctx.root, data.name, decl.file);
		} catch (e) {
			problems.push({ file, line: at(['snippets', i, 'file']), field: `snippets[${i}].file`, message: (e as Error).message });
			return;
		}
		let text: string | null;
		try {
			text = ctx.readSnippet(path);
		} catch (e) {
			problems.push({ file, line: at(['snippets', i, 'file']), field: `snippets[${i}].file`, message: (e as Error).message });
			return;
		}
		if (text === null) {
			problems.push({
				file,
				line: at(['snippets', i, 'file']),
				field: `snippets[${i}].file`,
				message: `${snippetId(data.name, decl.file)} does not exist; create it or fix the name.`,
			});
		} else {
			sources.set(decl.file, text);
		}
	});

	const { references, problems: refProblems } = findSnippetReferences(split.body, split.bodyStartLine);
	for (const p of refProblems) problems.push({ file, line: p.line, field: '<Snippet>', message: p.message });
	for (const ref of references) problems.push(...checkReference(ref, page, data, sources));

	data.snippets.forEach((decl, i) => {
		if (!references.some((r) => r.file === decl.file)) {
			problems.push({
				file,
				line: at(['snippets', i, 'file']),
				field: `snippets[${i}].file`,
				message: `"${decl.file}" is declared but never shown; add <Snippet file="${decl.file}" /> where the page explains it.`,
			});
		}
	});

	for (const p of checkSections(split.body, split.bodyStartLine)) problems.push({ file, line: p.line, field: 'sections', message: p.message });
	problems.push(...findCodeFences(page));
	return problems;
}

/** Code on a trap page comes only from snippet files: a fenced code block in the body is a problem. */
function findCodeFences(page: ParsedTrapPage): CatalogProblem[] {
	return scanBody(page.split.body, page.split.bodyStartLine).fences.map((fence) => ({
		file: page.file,
		line: fence.number,
		field: 'code block',
		message: 'code on a trap page comes only from snippets/: move it into a file there and show it with <Snippet file="…" />.',
	}));
}

function checkReference(ref: SnippetReference, page: ParsedTrapPage, data: TrapFrontmatter, sources: Map<string, string>): CatalogProblem[] {
	const problem = (message: string): CatalogProblem[] => [
		{ file: page.file, line: ref.line, field: `<Snippet file="${ref.file}"${ref.region ? ` region="${ref.region}"` : ''}>`, message },
	];
	if (!data.snippets.some((d) => d.file === ref.file)) {
		return problem(`"${ref.file}" is not declared in the frontmatter "snippets"; declare it with what a run of it must end in.`);
	}
	const source = sources.get(ref.file);
	if (source === undefined) return []; // already reported as a missing file
	const id = snippetId(data.name, ref.file);
	try {
		const lines = extractRegion(source, id, ref.region);
		findMarkedLines(lines, [...ref.bad, ...ref.good], id);
	} catch (e) {
		return problem((e as Error).message);
	}
	return [];
}
