import { LINE_COMMENTS } from '../verify/languages.ts';

/**
 * Region markers in snippet files, in the VS Code style:
 *
 *     # region store          // #region store
 *     ...                     ...
 *     # endregion store       // #endregion store
 *
 * The name after `endregion` is optional. Marker lines are never shown on a page.
 */
const MARKER = new RegExp(
	`^\\s*(?:${LINE_COMMENTS.map((c) => c.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})\\s*#?(region|endregion)\\b[ \\t]*([\\w-]*)\\s*$`,
);

/** One line of a snippet as a page shows it, with its real line number in the file. */
export interface SnippetLine {
	/** 1-based line number in the snippet file. */
	number: number;
	text: string;
}

/** Thrown for a region that is missing, unbalanced or duplicated; the message says where. */
export class RegionError extends Error {
	override name = 'RegionError';
}

/** Regions of a file by name, each as the 1-based first and last line inside its markers. */
export function listRegions(source: string, file: string): Map<string, { start: number; end: number }> {
	const regions = new Map<string, { start: number; end: number }>();
	const open: Array<{ name: string; line: number }> = [];
	source.split('\n').forEach((text, i) => {
		const m = MARKER.exec(text);
		if (!m) return;
		const [, kind, name] = m;
		if (kind === 'region') {
			if (!name) throw new RegionError(`${file}:${i + 1}: a region marker needs a name, e.g. "# region store".`);
			if (regions.has(name) || open.some((o) => o.name === name)) {
				throw new RegionError(`${file}:${i + 1}: region "${name}" is defined twice; rename one of them.`);
			}
			open.push({ name, line: i + 1 });
		} else {
			const top = open.pop();
			if (!top) throw new RegionError(`${file}:${i + 1}: "endregion" without a matching "region" marker.`);
			if (name && name !== top.name) {
				throw new RegionError(
					`${file}:${i + 1}: "endregion ${name}" closes region "${top.name}" opened on line ${top.line}; regions must nest.`,
				);
			}
			regions.set(top.name, { start: top.line + 1, end: i });
		}
	});
	const unclosed = open.pop();
	if (unclosed) {
		throw new RegionError(`${file}:${unclosed.line}: region "${unclosed.name}" is never closed; add "endregion ${unclosed.name}".`);
	}
	return regions;
}

/**
 * The lines a page shows for `file`: the whole file, or only region `region` when given,
 * with every region marker line left out and real line numbers kept. Throws a RegionError
 * naming the file and the regions it does have when `region` does not exist.
 */
export function extractRegion(source: string, file: string, region?: string): SnippetLine[] {
	const regions = listRegions(source, file);
	const all = source.replace(/\n$/, '').split('\n');
	let from = 1;
	let to = all.length;
	if (region !== undefined) {
		const r = regions.get(region);
		if (!r) {
			const known = [...regions.keys()];
			throw new RegionError(
				`${file}: no region "${region}"; ` +
					(known.length ? `it has: ${known.join(', ')}.` : 'it has no regions; add "# region <name>" and "# endregion" lines.'),
			);
		}
		from = r.start;
		to = r.end;
	}
	const lines: SnippetLine[] = [];
	for (let n = from; n <= to; n++) {
		const text = all[n - 1];
		if (!MARKER.test(text)) lines.push({ number: n, text });
	}
	return trimBlankEdges(lines);
}

function trimBlankEdges(lines: SnippetLine[]): SnippetLine[] {
	let a = 0;
	let b = lines.length;
	while (a < b && lines[a].text.trim() === '') a++;
	while (b > a && lines[b - 1].text.trim() === '') b--;
	return lines.slice(a, b);
}

/**
 * Finds the shown line each `needle` is on. Each needle must occur on exactly one line;
 * otherwise throws naming the needle, so a page never marks the wrong line silently.
 */
export function findMarkedLines(lines: SnippetLine[], needles: string[], file: string): number[] {
	return needles.map((needle) => {
		const hits = lines.filter((l) => l.text.includes(needle));
		if (hits.length === 1) return hits[0].number;
		throw new RegionError(
			hits.length === 0
				? `${file}: no shown line contains "${needle}"; mark a text that is on the line you mean.`
				: `${file}: "${needle}" is on ${hits.length} shown lines (${hits.map((h) => h.number).join(', ')}); mark a longer, unique text.`,
		);
	});
}
