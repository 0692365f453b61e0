import { z } from 'astro/zod';
import { LANGUAGE_BY_EXTENSION, LANGUAGES, languageOf } from '../verify/languages.ts';
import { VERDICTS } from '../verify/vocabulary.ts';

export { LANGUAGES };

/** A kebab-case identifier: lower-case words joined by single hyphens. */
const kebab = z
	.string()
	.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (lower-case words joined by "-")');

/** How bad it is when the trap springs in production. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** What a reader sees when the trap springs: the facet the home page and sidebar group traps by. */
export const SYMPTOMS = ['hangs', 'runs-twice', 'slow-under-load', 'wrong-result', 'crashes'] as const;

/** What kind of page a catalog entry is. */
export const CATEGORIES = ['trap', 'pattern'] as const;

/** A snippet path relative to `snippets/<trap>/`: no absolute paths, no `..`, a known extension. */
const snippetFile = z
	.string()
	.min(1)
	.refine((p) => !p.startsWith('/') && !p.includes('\\'), 'must be a relative path with "/" separators')
	.refine((p) => !p.split('/').includes('..'), 'must not leave the trap\'s snippets folder ("..")')
	.refine(
		(p) => languageOf(p) !== undefined,
		`must end in one of ${Object.keys(LANGUAGE_BY_EXTENSION).join(', ')}`,
	);

/** What a snippet file is: a program with a `main()` the suite runs, or a module programs import. */
export const SNIPPET_ROLES = ['program', 'module'] as const;

/** One snippet file the page shows; a program also says what a run of it must end in. */
export const snippetDeclarationSchema = z.strictObject({
	file: snippetFile,
	role: z.enum(SNIPPET_ROLES).default('program'),
	/** Required for a program, absent for a module. */
	expect: z.enum(VERDICTS).optional(),
	/** Contract shown to the reader: a failure snippet does not finish within this many ms. */
	timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
	/**
	 * A `completed` program that must show a lock-order inversion: the lucky run that passes its
	 * tests and can hang in production. Its run must report a potential deadlock, and the page
	 * shows the warning; every other completed program must report none.
	 */
	potentialDeadlock: z.boolean().default(false),
	/** One sentence saying what the program shows; printed under the snippet. */
	summary: z.string().min(1).optional(),
});

export const referenceSchema = z.strictObject({
	title: z.string().min(1),
	url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
});

/** The frontmatter of a trap page (`content/traps/<name>.mdx`). */
export const trapSchema = z
	.strictObject({
		name: kebab,
		title: z.string().min(1),
		description: z.string().min(20, 'must be a sentence a reader can act on (at least 20 characters)'),
		version: z
			.string()
			.regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'must be a semantic version such as 1.0.0'),
		category: z.enum(CATEGORIES),
		languages: z.array(z.enum(LANGUAGES)).min(1),
		tags: z.array(kebab).default([]),
		severity: z.enum(SEVERITIES),
		/** What the reader sees: `hangs`, `runs-twice`, `slow-under-load`, `wrong-result`, `crashes`. */
		symptoms: z.array(z.enum(SYMPTOMS)).min(1, 'say what a reader sees when the trap springs (e.g. [hangs])'),
		related: z.array(kebab).default([]),
		references: z.array(referenceSchema).default([]),
		snippets: z.array(snippetDeclarationSchema).min(1, 'a trap page shows at least one snippet'),
	})
	.superRefine((trap, ctx) => {
		const seen = new Set<string>();
		trap.snippets.forEach((s, i) => {
			if (seen.has(s.file)) {
				ctx.addIssue({ code: 'custom', path: ['snippets', i, 'file'], message: `"${s.file}" is declared twice` });
			}
			seen.add(s.file);
			if (s.role === 'program' && !s.expect) {
				ctx.addIssue({
					code: 'custom',
					path: ['snippets', i, 'expect'],
					message: `is required for a program: say what a run ends in (${VERDICTS.join(', ')})`,
				});
			}
			if (s.potentialDeadlock && s.expect !== 'completed') {
				ctx.addIssue({
					code: 'custom',
					path: ['snippets', i, 'potentialDeadlock'],
					message: 'only a program that is expected to complete can be declared to show a potential deadlock; remove it or set expect: completed',
				});
			}
			if (s.role === 'module' && s.expect) {
				ctx.addIssue({
					code: 'custom',
					path: ['snippets', i, 'expect'],
					message: 'a module is not run on its own; remove "expect" (the programs that import it are run)',
				});
			}
			const lang = languageOf(s.file);
			if (lang && !trap.languages.includes(lang)) {
				ctx.addIssue({
					code: 'custom',
					path: ['snippets', i, 'file'],
					message: `is ${lang}, which is missing from "languages"`,
				});
			}
		});
		if (trap.related.includes(trap.name)) {
			ctx.addIssue({ code: 'custom', path: ['related'], message: 'a trap cannot be related to itself' });
		}
	});

export type TrapFrontmatter = z.output<typeof trapSchema>;
export type SnippetDeclaration = z.output<typeof snippetDeclarationSchema>;
