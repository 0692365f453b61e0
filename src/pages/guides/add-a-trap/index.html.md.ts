import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { guideMarkdown } from '../../../catalog/guides.ts';
import { textResponse } from '../../../catalog/site-exports.ts';

/** The "Add a trap" guide as Markdown, where the llms.txt convention looks for it. */
export const GET: APIRoute = async () => {
	const entry = await getEntry('docs', 'guides/add-a-trap');
	if (!entry) throw new Error('src/content/docs/guides/add-a-trap.md is missing.');
	return textResponse(guideMarkdown({ title: entry.data.title, description: entry.data.description, body: entry.body ?? '' }), 'text/markdown');
};
