import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import { buildCard, textResponse } from '../../../catalog/site-exports.ts';

/** The Markdown version of each trap page where the llms.txt convention looks for it (`<page>/index.html.md`): its card. */
export const getStaticPaths = (async () => (await getCollection('traps')).map((t) => ({ params: { name: t.id } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => textResponse(buildCard(params.name!), 'text/markdown');
