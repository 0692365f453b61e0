/** A link line of llms.txt: `[name](url): notes`. */
export interface LlmsLink {
	name: string;
	url: string;
	notes?: string;
}

/** What llms.txt says: the H1, the `>` summary, optional details, H2 sections of links; `Optional` last. */
export interface LlmsTxtInput {
	title: string;
	summary: string;
	details?: string;
	sections: ReadonlyArray<{ heading: string; links: readonly LlmsLink[] }>;
}

const link = (l: LlmsLink) => `- [${l.name}](${l.url})${l.notes ? `: ${l.notes}` : ''}`;

/**
 * llms.txt in the llmstxt.org format: `# title`, `> summary`, optional prose, then one `## heading`
 * per section with its `[name](url): notes` links. A section named "Optional" is moved last, as
 * the convention says tools may skip it.
 */
export function llmsTxt(input: LlmsTxtInput): string {
	const sections = [...input.sections].sort((a, b) => Number(a.heading === 'Optional') - Number(b.heading === 'Optional'));
	const out = [`# ${input.title}`, '', `> ${input.summary.replace(/\s*\n\s*/g, ' ')}`, ''];
	if (input.details) out.push(input.details.trim(), '');
	for (const s of sections) out.push(`## ${s.heading}`, '', ...s.links.map(link), '');
	return out.join('\n').trimEnd() + '\n';
}

/** Markdown without its leading `---` frontmatter block. */
export function stripFrontmatter(markdown: string): string {
	const m = /^---\n[\s\S]*?\n---\n/.exec(markdown);
	return m ? markdown.slice(m[0].length).replace(/^\n+/, '') : markdown;
}

/** Every ATX heading outside code fences one level deeper (`#` → `##`), so documents can be nested. */
export function demoteHeadings(markdown: string): string {
	let fence: string | null = null;
	return markdown
		.split('\n')
		.map((line) => {
			const f = /^(`{3,}|~{3,})/.exec(line);
			if (fence) {
				if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
				return line;
			}
			if (f) {
				fence = f[1];
				return line;
			}
			return /^#{1,5} /.test(line) ? `#${line}` : line;
		})
		.join('\n');
}

/**
 * llms-full.txt: the llms.txt head (H1 and summary), then every document in full with its
 * frontmatter removed and its headings one level down, so one file holds the whole catalog.
 */
export function llmsFullTxt(input: { title: string; summary: string }, documents: readonly string[]): string {
	const out = [`# ${input.title}`, '', `> ${input.summary.replace(/\s*\n\s*/g, ' ')}`, ''];
	for (const doc of documents) out.push(demoteHeadings(stripFrontmatter(doc)).trimEnd(), '');
	return out.join('\n').trimEnd() + '\n';
}
