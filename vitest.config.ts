import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		projects: [
			{ test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			{ test: { name: 'content', include: ['tests/content/**/*.test.ts'] } },
			// npm run new / npm run import: scaffolds and imports checked by the catalog and the engine.
			{ test: { name: 'authoring', include: ['tests/authoring/**/*.test.ts'], testTimeout: 60_000 } },
			{
				// The verification engine on fixtures: verdicts, witnesses, timeouts, process cleanup, CLI.
				test: { name: 'engine', include: ['tests/verify/**/*.test.ts'], testTimeout: 60_000 },
			},
			{
				// Runs every snippet through the verification engine and writes the results file.
				test: { name: 'snippets', include: ['tests/snippets/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
			},
			{
				// Builds the site after the snippets ran, so the pages show this run's results.
				test: {
					name: 'site',
					include: ['tests/site/**/*.test.ts'],
					globalSetup: ['tests/site/site-dir.ts'],
					setupFiles: ['tests/site/ensure-site.ts'],
					sequence: { groupOrder: 1 },
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
});
