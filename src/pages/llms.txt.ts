import type { APIRoute } from 'astro';
import { buildLlmsTxt, textResponse } from '../catalog/site-exports.ts';

/** llms.txt (llmstxt.org): the catalog for language models and coding agents. */
export const GET: APIRoute = () => textResponse(buildLlmsTxt(), 'text/plain');
