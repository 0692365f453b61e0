// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { SHIKI_THEMES } from './src/components/shiki-themes.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// The catalog's repository: edit links ("Edit page", "Edit failure.py") point into it. Empty: no edit links.
const repository = process.env.REPOSITORY_URL ?? 'https://github.com/trap-catalog/trap-catalog';

export default defineConfig({
	site: process.env.SITE_URL ?? 'https://trap-catalog.example.org',
	base: process.env.BASE_PATH ?? '/',
	trailingSlash: 'always',
	markdown: {
		// Markdown fences and <Snippet> share one highlighter and one look.
		shikiConfig: { themes: SHIKI_THEMES, defaultColor: false },
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
			customCss: ['./src/styles/catalog.css'],
			sidebar: [],
			lastUpdated: false,
			editLink: repository ? { baseUrl: `${repository.replace(/\/$/, '')}/edit/main/` } : {},
			// The search button, named by the text it shows (WCAG 2.5.3, label in name).
			components: { Search: './src/components/Search.astro' },
			// No canonical URL on the not-found page (see the file).
			routeMiddleware: './src/route-middleware.ts',
		}),
		mdx(),
	],
});
