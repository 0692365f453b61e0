import { fileURLToPath } from 'node:url';

/** The project root, whatever directory the tests are started from. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
