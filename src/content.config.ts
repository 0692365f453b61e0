import { defineCollection } from 'astro:content';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { trapSchema } from './catalog/schema.ts';
import { trapsLoader } from './catalog/traps-loader.ts';

export const collections = {
	// Guides (src/content/docs/guides/), rendered inside the catalog frame by src/pages/guides/.
	docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
	// Starlight's UI strings for the catalog (src/content/i18n/en.json).
	i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
	traps: defineCollection({ loader: trapsLoader(), schema: trapSchema }),
};
