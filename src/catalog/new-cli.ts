/**
 * `npm run new -- <id> [--lang python|typescript] [--root <project>]`: scaffolds a trap page and
 * its failure and solution programs. The programs fail verification until they are written.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SnippetLanguage } from '../verify/languages.ts';
import { scaffoldTrap } from './scaffold.ts';
import { writeNewTrapFiles } from './write-new-files.ts';

const USAGE = 'usage: npm run new -- <trap-id> [--lang python|typescript] [--root <project folder>]';

function main(): number {
	let parsed;
	try {
		parsed = parseArgs({ allowPositionals: true, options: { lang: { type: 'string', default: 'python' }, root: { type: 'string' } } });
	} catch (e) {
		console.error(`${(e as Error).message}\n${USAGE}`);
		return 2;
	}
	const { values, positionals } = parsed;
	if (positionals.length !== 1) {
		console.error(USAGE);
		return 2;
	}
	const id = positionals[0];
	const root = values.root ? resolve(process.env.INIT_CWD ?? process.cwd(), values.root) : fileURLToPath(new URL('../../', import.meta.url));
	try {
		const written = writeNewTrapFiles(root, id, scaffoldTrap(id, values.lang as SnippetLanguage));
		console.log(`Scaffolded trap "${id}":`);
		for (const f of written) console.log(`  wrote ${f}`);
		console.log(
			[
				'',
				'Both programs raise "not implemented" until you write them, so verification fails until then. Next:',
				`  1. write snippets/${id}/failure.* and run it: npm run check -- snippets/${id}/<file>`,
				`  2. replace every TODO(new) in content/traps/${id}.mdx; check it: npx vitest run --project content`,
				'  3. run everything: npm test',
			].join('\n'),
		);
		return 0;
	} catch (e) {
		console.error((e as Error).message);
		return 1;
	}
}

process.exitCode = main();
