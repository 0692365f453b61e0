import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listRegions } from '../../src/catalog/regions.ts';
import { LANGUAGE_BY_EXTENSION, LANGUAGE_DESCRIPTORS, LANGUAGES, languageOf } from '../../src/verify/languages.ts';

describe('language descriptors: one entry per language is all the engine needs', () => {
	it.each(LANGUAGE_DESCRIPTORS.map((d) => [d.id, d] as const))('%s has a harness, extensions of its own and a runtime name', (id, d) => {
		expect(LANGUAGES).toContain(id);
		expect(existsSync(fileURLToPath(new URL(`../../src/verify/${d.harness}`, import.meta.url))), d.harness).toBe(true);
		for (const ext of d.extensions) expect(LANGUAGE_BY_EXTENSION[ext]).toBe(id);
		expect(d.runtime).not.toBe('');
	});

	it.each(LANGUAGE_DESCRIPTORS.map((d) => [d.id, d.lineComment] as const))('%s region markers use its comment syntax (%s)', (_id, comment) => {
		const source = [`${comment} region store`, 'x = 1', `${comment} endregion store`].join('\n');
		expect(listRegions(source, 'f').get('store')).toEqual({ start: 2, end: 2 });
	});

	it('knows a file by its extension and nothing else', () => {
		expect(languageOf('a/b/failure.py')).toBe('python');
		expect(languageOf('failure.mts')).toBe('typescript');
		expect(languageOf('README.md')).toBeUndefined();
	});
});
