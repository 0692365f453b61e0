import type { APIRoute } from 'astro';
import { buildLlmsFullTxt, textResponse } from '../catalog/site-exports.ts';

/** llms-full.txt: every trap card in one file. */
export const GET: APIRoute = () => textResponse(buildLlmsFullTxt(), 'text/plain');
