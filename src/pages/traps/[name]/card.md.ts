import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import { buildCard, textResponse } from '../../../catalog/site-exports.ts';

/** The trap card of every trap at `/traps/<name>/card.md`: the seed's format, complete programs, observed verdicts. */
export const getStaticPaths = (async () => (await getCollection('traps')).map((t) => ({ params: { name: t.id } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => textResponse(buildCard(params.name!), 'text/markdown');
