import { defineRouteMiddleware } from '@astrojs/starlight/route-data';

/**
 * Starlight route data adjusted for the catalog. The not-found page is served at any missing
 * address, so it gets no canonical URL: Starlight would point it at `/404/`, which no server has.
 */
export const onRequest = defineRouteMiddleware((context) => {
	const route = context.locals.starlightRoute;
	if (route.entry.id !== '404') return;
	route.head = route.head.filter((tag) => !(tag.tag === 'link' && tag.attrs?.rel === 'canonical') && !(tag.tag === 'meta' && tag.attrs?.property === 'og:url'));
});
