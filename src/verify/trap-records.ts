import type { SnippetDeclaration } from '../catalog/schema.ts';
import { currentSourceHash, freshness, readRecord, type Freshness } from './results.ts';

/** The freshness of the last verification record of every program of a trap, in declaration order. */
export function programFreshness(
	root: string,
	trap: string,
	declarations: ReadonlyArray<Pick<SnippetDeclaration, 'file' | 'role'>>,
): Array<{ file: string; freshness: Freshness }> {
	return declarations
		.filter((d) => d.role === 'program')
		.map((d) => ({ file: d.file, freshness: freshness(readRecord(root, trap, d.file), currentSourceHash(root, trap, declarations, d.file)) }));
}
