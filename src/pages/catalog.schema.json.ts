import type { APIRoute } from 'astro';
import { catalogJsonSchemaDocument } from '../catalog/catalog-json.ts';
import { catalogRoutes } from '../catalog/urls.ts';
import { buildUrls, textResponse } from '../catalog/site-exports.ts';

/** The JSON Schema of catalog.json, generated from the zod schema that also validates it. */
export const GET: APIRoute = () =>
	textResponse(JSON.stringify(catalogJsonSchemaDocument(buildUrls().absolute(catalogRoutes.catalogSchema)), null, 2) + '\n', 'application/schema+json');
