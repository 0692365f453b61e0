import { z } from 'astro/zod';
import type { ObservedRun } from './observed.ts';
import { CATEGORIES, SEVERITIES, SNIPPET_ROLES, SYMPTOMS, type TrapFrontmatter } from './schema.ts';
import { LANGUAGES, languageOf } from '../verify/languages.ts';
import { DETECTORS, VERDICTS } from '../verify/vocabulary.ts';

/** The version of the catalog.json format; bump the major version on a breaking change. */
export const CATALOG_FORMAT_VERSION = '1.0.0';

const place = z.object({ lock: z.string(), at: z.string().describe('file:line, relative to the project') });

const lastRunSchema = z
	.object({
		state: z.enum(['current', 'stale', 'missing']).describe('current: recorded from exactly the published files'),
		sentence: z.string().describe('The verdict as the page says it, with the date'),
		outcome: z.enum(VERDICTS).nullable(),
		detector: z.enum(DETECTORS).nullable().describe('What proved the verdict (cycle, quiescence, watchdog, timeout)'),
		runtime: z.object({ name: z.string(), version: z.string() }).nullable(),
		ranAt: z.string().nullable().describe('ISO 8601 time the run finished'),
		matchesClaim: z.boolean().nullable(),
		witnessSummary: z.string().nullable().describe('First line of the witness: who waits on what, held by whom'),
		potentialDeadlocks: z.array(
			z.object({
				locks: z.array(z.string()),
				orders: z.array(z.object({ task: z.string(), holding: place, took: place })),
			}),
		),
	})
	.describe('What the last verification run observed');

const snippetSchema = z.object({
	path: z.string().describe('snippets/<trap>/<file>, relative to the project'),
	url: z.url().describe('Download of the exact file'),
	language: z.enum(LANGUAGES),
	role: z.enum(SNIPPET_ROLES),
	expectation: z.enum(VERDICTS).nullable().describe('What a run must end in; null for a module'),
	timeoutMs: z.number().int().nullable(),
	summary: z.string().nullable(),
	lastRun: lastRunSchema.nullable().describe('null for a module, which runs only through the programs'),
});

const trapEntrySchema = z.object({
	name: z.string(),
	title: z.string(),
	description: z.string(),
	version: z.string(),
	category: z.enum(CATEGORIES),
	languages: z.array(z.enum(LANGUAGES)),
	tags: z.array(z.string()),
	severity: z.enum(SEVERITIES),
	symptoms: z.array(z.enum(SYMPTOMS)),
	related: z.array(z.string()),
	references: z.array(z.object({ title: z.string(), url: z.string() })),
	url: z.url().describe('The HTML page'),
	cardUrl: z.url().describe('The trap card (Markdown, the seed format)'),
	markdownUrl: z.url().describe('The page as Markdown (llms.txt convention)'),
	snippets: z.array(snippetSchema),
});

/** The shape of `catalog.json`. The published JSON Schema is generated from it, so they cannot drift. */
export const catalogJsonSchema = z
	.object({
		$schema: z.string().describe('URL of catalog.schema.json'),
		format: z.literal(CATALOG_FORMAT_VERSION),
		title: z.string(),
		url: z.url(),
		lastVerifiedAt: z.string().nullable().describe('ISO 8601 time of the newest verification record; null when nothing was verified'),
		traps: z.array(trapEntrySchema),
	})
	.describe('Trap Catalog: every trap, its metadata, its programs and what their last verification run observed');

export type CatalogJson = z.infer<typeof catalogJsonSchema>;

/** The JSON Schema (draft 2020-12) of catalog.json, published next to it. */
export function catalogJsonSchemaDocument(id: string): Record<string, unknown> {
	return { $id: id, ...z.toJSONSchema(catalogJsonSchema, { io: 'output' }) };
}

/** One trap as the exports see it: its frontmatter, URLs and what each program's last run observed. */
export interface ExportTrap {
	data: TrapFrontmatter;
	url: string;
	cardUrl: string;
	markdownUrl: string;
	snippetUrl(file: string): string;
	observed: ReadonlyMap<string, ObservedRun>;
}

/** Builds catalog.json from the traps (sorted by name) and validates it against its own schema before returning it. */
export function catalogJson(traps: readonly ExportTrap[], meta: { title: string; url: string; schemaUrl: string; lastVerifiedAt: string | null }): CatalogJson {
	const doc: CatalogJson = {
		$schema: meta.schemaUrl,
		format: CATALOG_FORMAT_VERSION,
		title: meta.title,
		url: meta.url,
		lastVerifiedAt: meta.lastVerifiedAt,
		traps: [...traps]
			.sort((a, b) => a.data.name.localeCompare(b.data.name))
			.map((t) => ({
				name: t.data.name,
				title: t.data.title,
				description: t.data.description,
				version: t.data.version,
				category: t.data.category,
				languages: t.data.languages,
				tags: t.data.tags,
				severity: t.data.severity,
				symptoms: t.data.symptoms,
				related: t.data.related,
				references: t.data.references,
				url: t.url,
				cardUrl: t.cardUrl,
				markdownUrl: t.markdownUrl,
				snippets: t.data.snippets.map((s) => {
					const o = t.observed.get(s.file);
					return {
						path: `snippets/${t.data.name}/${s.file}`,
						url: t.snippetUrl(s.file),
						language: languageOf(s.file) ?? t.data.languages[0],
						role: s.role,
						expectation: s.expect ?? null,
						timeoutMs: s.role === 'program' ? s.timeoutMs : null,
						summary: s.summary ?? null,
						lastRun:
							s.role === 'module'
								? null
								: {
										state: o?.state ?? 'missing',
										sentence: o?.sentence ?? 'not verified in this build',
										outcome: o?.run?.outcome ?? null,
										detector: o?.run?.detectedBy ?? null,
										runtime: o?.run?.runtime ?? null,
										ranAt: o?.run?.ranAt ?? null,
										matchesClaim: o?.run?.matches ?? null,
										witnessSummary: o?.run?.witnessSummary ?? null,
										potentialDeadlocks: o?.run?.potentialDeadlocks ?? [],
									},
					};
				}),
			})),
	};
	return catalogJsonSchema.parse(doc);
}
