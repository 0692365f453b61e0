/** Languages the verification engine runs. */
export const LANGUAGES = ['python', 'typescript'] as const;

export type SnippetLanguage = (typeof LANGUAGES)[number];

/** File extensions the engine runs, mapped to their language: the one list the schema, the page and the runner share. */
export const LANGUAGE_BY_EXTENSION: Readonly<Record<string, SnippetLanguage>> = {
	'.py': 'python',
	'.ts': 'typescript',
	'.mts': 'typescript',
};

/** The language of `file` by its extension, or undefined when the engine cannot run it. */
export function languageOf(file: string): SnippetLanguage | undefined {
	const dot = file.lastIndexOf('.');
	return dot === -1 ? undefined : LANGUAGE_BY_EXTENSION[file.slice(dot)];
}
