import type { APIRoute } from 'astro';
import { buildLlmsTxt, textResponse } from '../catalog/site-exports.ts';

/** The home page as Markdown (llms.txt convention: `index.html.md`): the list of traps, as in llms.txt. */
export const GET: APIRoute = () => textResponse(buildLlmsTxt(), 'text/markdown');
