import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { trapSchema } from './catalog/schema.ts';
import { trapsLoader } from './catalog/traps-loader.ts';

export const collections = {
	docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
	traps: defineCollection({ loader: trapsLoader(), schema: trapSchema }),
};
