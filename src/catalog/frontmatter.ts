/** A page source split into its YAML frontmatter and its body, with line numbers kept. */
export interface SplitSource {
	/** The YAML text between the `---` fences. */
	yaml: string;
	/** 1-based line number of the first YAML line in the file. */
	yamlStartLine: number;
	/** Everything after the closing fence. */
	body: string;
	/** 1-based line number of the first body line in the file. */
	bodyStartLine: number;
}

/**
 * Splits `source` at its `---` fences. Throws when the file has no frontmatter, naming `file`
 * and saying how to add one.
 */
export function splitFrontmatter(source: string, file: string): SplitSource {
	const lines = source.split('\n');
	if (lines[0]?.trimEnd() !== '---') {
		throw new Error(`${file}:1: missing frontmatter: the file must start with a "---" line, the YAML fields, then "---".`);
	}
	const close = lines.findIndex((line, i) => i > 0 && line.trimEnd() === '---');
	if (close === -1) {
		throw new Error(`${file}:1: unterminated frontmatter: add a closing "---" line after the YAML fields.`);
	}
	return {
		yaml: lines.slice(1, close).join('\n'),
		yamlStartLine: 2,
		body: lines.slice(close + 1).join('\n'),
		bodyStartLine: close + 2,
	};
}

/** A path into parsed data, as zod reports it. */
export type FieldPath = ReadonlyArray<PropertyKey>;

/** Formats `['snippets', 1, 'expect']` as `snippets[1].expect`. */
export function formatFieldPath(path: FieldPath): string {
	let out = '';
	for (const seg of path) {
		if (typeof seg === 'number') out += `[${seg}]`;
		else out += out ? `.${String(seg)}` : String(seg);
	}
	return out || '(frontmatter)';
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isContent = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');

/**
 * Finds the 1-based line (within `yaml`) where the value at `path` is written, for block-style
 * YAML as frontmatter is usually written. When the path does not exist (a missing field), returns
 * the line of its deepest existing ancestor, or 0 for the root.
 */
export function locateField(yaml: string, path: FieldPath): number {
	const lines = yaml.split('\n');
	let start = 0;
	let end = lines.length;
	let parentIndent = -1;
	let found = 0;
	for (const seg of path) {
		let hit = -1;
		let hitIndent = -1;
		if (typeof seg === 'number') {
			// The n-th "- " item at the shallowest dash indentation inside the block.
			let itemIndent = Infinity;
			for (let i = start; i < end; i++) {
				const m = /^(\s*)- /.exec(lines[i]) ?? /^(\s*)-$/.exec(lines[i]);
				if (m && m[1].length > parentIndent) itemIndent = Math.min(itemIndent, m[1].length);
			}
			let n = -1;
			for (let i = start; i < end && hit === -1; i++) {
				const m = /^(\s*)-(?: |$)/.exec(lines[i]);
				if (m && m[1].length === itemIndent && ++n === seg) {
					hit = i;
					hitIndent = itemIndent;
				}
			}
			if (hit === -1) {
				// A flow sequence such as `tags: [a, b]` stays on its key's line.
				return found;
			}
		} else {
			const key = String(seg).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			const re = new RegExp(`^(\\s*(?:-\\s+)?)["']?${key}["']?\\s*:`);
			let best = Infinity;
			for (let i = start; i < end; i++) {
				const m = re.exec(lines[i]);
				if (m && m[1].length > parentIndent && m[1].length < best) {
					best = m[1].length;
					hit = i;
					hitIndent = m[1].length;
				}
			}
			if (hit === -1) return found;
		}
		found = hit + 1;
		// The value's block runs until the next content line indented no deeper than this one.
		let blockEnd = hit + 1;
		while (blockEnd < end && (!isContent(lines[blockEnd]) || indentOf(lines[blockEnd]) > hitIndent)) blockEnd++;
		// A list item's first key sits on the "- " line itself; a key's children start below it.
		start = typeof seg === 'number' ? hit : hit + 1;
		end = blockEnd;
		parentIndent = hitIndent;
	}
	return found;
}
