// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { CODE_THEME, codeClassesTransformer } from './src/components/utils/code-classes.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// The catalog's repository: edit links ("Edit page", "Edit failure.py") point into it. Empty: no edit links.
const repository = process.env.REPOSITORY_URL ?? 'https://github.com/trap-catalog/trap-catalog';

// Hosting: SITE_URL is the public URL of the catalog's home, e.g. https://intranet.example/kb/traps/;
// BASE_PATH is the path it is served under (defaults to SITE_URL's path). Every link, asset,
// snippet download, card and export is built below it.
const site = process.env.SITE_URL ?? 'https://trap-catalog.example.org';
const base = process.env.BASE_PATH || new URL(site).pathname;

export default defineConfig({
	site,
	base,
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
		build: {
			rolldownOptions: {
				// @astrojs/mdx puts "use astro:head-inject" at the top of every compiled page, and Rolldown warns on
				// each build that it may drop it; Astro handles that directive itself. Only that one message is dropped.
				onLog(level, log, handler) {
					if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('use astro:head-inject')) return;
					handler(level, log);
				},
			},
		},
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
			editLink: repository ? { baseUrl: `${repository.replace(/\/$/, '')}/edit/main/` } : {},
			// The search button, named by the text it shows (WCAG 2.5.3, label in name).
			components: { Search: './src/components/Search.astro' },
			// No canonical URL on the not-found page (see the file).
			routeMiddleware: './src/route-middleware.ts',
		}),
		mdx(),
	],
});
