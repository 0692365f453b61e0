/**
 * `npm run import -- <card.md> [--root <project>]`: turns a trap card into a page and snippet
 * files, then prints what the card could not say and how to supply it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CardError, parseCard } from './card-parse.ts';
import { importCard } from './import-card.ts';
import { writeNewTrapFiles } from './write-new-files.ts';

const USAGE = 'usage: npm run import -- <card.md> [--root <project folder>]';

function main(): number {
	const { values, positionals } = parseArgs({ allowPositionals: true, options: { root: { type: 'string' } } });
	if (positionals.length !== 1) {
		console.error(USAGE);
		return 2;
	}
	const cwd = process.env.INIT_CWD ?? process.cwd();
	const cardPath = resolve(cwd, positionals[0]);
	const root = values.root ? resolve(cwd, values.root) : fileURLToPath(new URL('../../', import.meta.url));
	let text: string;
	try {
		text = readFileSync(cardPath, 'utf8');
	} catch {
		console.error(`${positionals[0]}: cannot read the card (does the file exist?).\n${USAGE}`);
		return 2;
	}
	try {
		const imported = importCard(parseCard(text, positionals[0]), positionals[0]);
		const written = writeNewTrapFiles(root, imported.id, imported.files);
		console.log(`Imported ${positionals[0]} as trap "${imported.id}":`);
		for (const f of written) console.log(`  wrote ${f}`);
		console.log('\nWhat the card could not say (marked TODO(import) in those files):');
		for (const t of imported.todos) console.log(`  - ${t}`);
		console.log(
			`\nNext: npx vitest run --project content   (what the page still lacks)\n      npm run check -- snippets/${imported.id}/<file>   (what a program does now)`,
		);
		return 0;
	} catch (e) {
		console.error(e instanceof CardError ? e.message : `import failed: ${(e as Error).message}`);
		return 1;
	}
}

process.exitCode = main();
