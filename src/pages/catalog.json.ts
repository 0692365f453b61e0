import type { APIRoute } from 'astro';
import { buildCatalogJson, textResponse } from '../catalog/site-exports.ts';

/** Every trap with its metadata, programs and last verdicts; described by catalog.schema.json. */
export const GET: APIRoute = () => textResponse(JSON.stringify(buildCatalogJson(), null, 2) + '\n', 'application/json');
