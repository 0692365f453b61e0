// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { SHIKI_THEMES } from './src/components/shiki-themes.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// Hosting: SITE_URL is the public URL of the catalog's home, e.g. https://intranet.example/kb/traps/;
// BASE_PATH is the path it is served under (defaults to SITE_URL's path). Every link, asset,
// snippet download, card and export is built below it.
const site = process.env.SITE_URL ?? 'https://trap-catalog.example.org';
const base = process.env.BASE_PATH || new URL(site).pathname;

export default defineConfig({
	site,
	base,
	trailingSlash: 'always',
	markdown: {
		// Markdown fences and <Snippet> share one highlighter and one look.
		shikiConfig: { themes: SHIKI_THEMES, defaultColor: false },
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
			customCss: ['./src/styles/catalog.css'],
			sidebar: [],
			lastUpdated: false,
		}),
		mdx(),
	],
});
