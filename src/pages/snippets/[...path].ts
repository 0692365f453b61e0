import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import { readSnippet } from '../../catalog/load-catalog.ts';

/** Every declared snippet file, served as plain text at `/snippets/<trap>/<file>` for readers to download and run. */
export const getStaticPaths = (async () => {
	const traps = await getCollection('traps');
	return traps.flatMap((trap) =>
		trap.data.snippets.map((s) => ({ params: { path: `${trap.id}/${s.file}` }, props: { trap: trap.id, file: s.file } })),
	);
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
	new Response(readSnippet(import.meta.env.CATALOG_ROOT, props.trap, props.file), {
		headers: { 'Content-Type': 'text/plain; charset=utf-8' },
	});
