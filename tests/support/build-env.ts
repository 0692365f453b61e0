/**
 * The environment for building the site from a test: the test process's own, minus what Vitest
 * adds to it (NODE_ENV=test, MODE, DEV, PROD, SSR, BASE_URL, VITEST_*), which would otherwise make
 * Astro build a development site (no search, among other things).
 */
export function buildEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
	for (const key of Object.keys(env)) {
		if (/^(VITEST|TEST$|MODE$|DEV$|PROD$|SSR$|BASE_URL$)/.test(key)) delete env[key];
	}
	return env;
}
