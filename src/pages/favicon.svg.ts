import type { APIRoute } from 'astro';

/** The site icon Starlight links to (`/favicon.svg`): a warning triangle. */
export const GET: APIRoute = () =>
	new Response(
		'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 3 30 28H2Z" fill="#f59e0b"/><path d="M16 12v8M16 23v2" stroke="#111" stroke-width="3" stroke-linecap="round"/></svg>',
		{ headers: { 'Content-Type': 'image/svg+xml' } },
	);
