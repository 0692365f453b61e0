/** What a trap page offers under a program so a reader can check it: the command, the file, its source. */
export interface ProgramLinks {
	/** `npm run check -- snippets/<trap>/<file>`, run from a clone of the catalog. */
	command: string;
	/** The file as served by this site (below the base path). */
	fileHref: string;
	/** Where to edit the file in the repository, or null when no repository is configured. */
	editHref: string | null;
}

/**
 * The links of program `snippet` (`snippets/<trap>/<file>`): `base` is the site's base path
 * (`import.meta.env.BASE_URL`), `editBaseUrl` Starlight's `editLink.baseUrl`, to which a
 * project-relative path is appended exactly as Starlight does for its own pages.
 */
export function programLinks(snippet: string, base: string, editBaseUrl: string | undefined): ProgramLinks {
	return {
		command: `npm run check -- ${snippet}`,
		fileHref: `${base.replace(/\/$/, '')}/${snippet}`,
		editHref: editUrl(editBaseUrl, snippet),
	};
}

/** Starlight's edit URL of a project-relative `file`: the base with a trailing slash, then the path; null without a base. */
export function editUrl(editBaseUrl: string | undefined, file: string): string | null {
	if (!editBaseUrl) return null;
	return `${editBaseUrl.replace(/\/?$/, '/')}${file}`;
}
