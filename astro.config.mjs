// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { CODE_THEME, codeClassesTransformer } from './src/components/utils/code-classes.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
	site: process.env.SITE_URL ?? 'https://trap-catalog.example.org',
	base: process.env.BASE_PATH ?? '/',
	trailingSlash: 'always',
	// Stylesheets are linked, never inlined: code.css is shared by every trap page and whole-file page, so a reader's cache holds it once.
	build: { inlineStylesheets: 'never' },
	markdown: {
		// Markdown fences and <Snippet> share one highlighter and one look: token classes, colours in code.css.
		shikiConfig: { theme: CODE_THEME, transformers: [codeClassesTransformer()], wrap: null },
	},
	vite: {
		// Components read snippet files from the project root, never relative to the built output.
		define: { 'import.meta.env.CATALOG_ROOT': JSON.stringify(root) },
	},
	integrations: [
		starlight({
			title: 'Trap Catalog',
			description: 'Programming traps whose every code example is a program the test suite runs.',
			// Code is highlighted by Astro's own Shiki (see src/components/Snippet.astro).
			expressiveCode: false,
			markdown: { processedDirs: ['./content/traps'] },
			customCss: ['./src/styles/catalog.css', './src/styles/code.css'],
			sidebar: [],
			lastUpdated: false,
		}),
		mdx(),
	],
});
