/// <reference types="astro/client" />

declare namespace App {
	interface Locals {
		/** Set by the trap page route so that <Snippet> knows whose snippets it shows. */
		trap?: { name: string; file: string; snippets: ReadonlyArray<{ file: string; role: string; summary?: string }> };
	}
}

interface ImportMetaEnv {
	/** Absolute path of the project root, defined in astro.config.mjs. */
	readonly CATALOG_ROOT: string;
}
