// Installs the locked dependencies when they are missing or older than package-lock.json, so that
// `npm start` and `npm test` work on a fresh clone. Runs on any Node (the system one may be 20).
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs) {
	console.log('Installing dependencies (npm ci)…');
	execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
