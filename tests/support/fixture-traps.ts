import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrapFrontmatter } from '../../src/catalog/schema.ts';

/** The facets of a generated trap; everything else is the smallest valid page. */
export type FixtureTrap = Pick<TrapFrontmatter, 'name' | 'title' | 'category' | 'severity' | 'symptoms' | 'tags'> & {
	language: 'python' | 'typescript';
	related?: string[];
};

const PROGRAM = {
	python: { file: 'failure.py', code: 'import asyncio\n\n\nasync def main() -> None:\n    await asyncio.Event().wait()\n' },
	typescript: { file: 'failure.ts', code: 'export async function main(): Promise<void> {\n  await new Promise(() => {});\n}\n' },
};

/**
 * Writes small extra trap pages (and one program each) into a project copy, so the home page's
 * filters can be tested on more traps than the catalog has. Never written into the real `content/`.
 */
export function addFixtureTraps(root: string, traps: readonly FixtureTrap[]): void {
	for (const t of traps) {
		const program = PROGRAM[t.language];
		mkdirSync(join(root, 'snippets', t.name), { recursive: true });
		writeFileSync(join(root, 'snippets', t.name, program.file), program.code);
		const frontmatter = [
			`name: ${t.name}`,
			`title: ${JSON.stringify(t.title)}`,
			'description: A generated trap page that exists only in the filter tests.',
			'version: 1.0.0',
			`category: ${t.category}`,
			`languages: [${t.language}]`,
			`tags: [${t.tags.join(', ')}]`,
			`severity: ${t.severity}`,
			`symptoms: [${t.symptoms.join(', ')}]`,
			`related: [${(t.related ?? []).join(', ')}]`,
			'snippets:',
			`  - file: ${program.file}`,
			'    expect: deadlock',
		];
		const body = [
			'## Problem',
			'',
			'- **Symptom:** it waits forever.',
			'- **Root cause:** nothing ever wakes it.',
			'- **Common misconception:** something will.',
			'',
			'## Failure pattern',
			'',
			`<Snippet file="${program.file}" />`,
			'',
			'## Solution',
			'',
			'Do not wait for what nobody sets.',
			'',
			`<Snippet file="${program.file}" />`,
			'',
			'## Red flags',
			'',
			'<RedFlags>',
			'- A wait with no one to wake it',
			'</RedFlags>',
			'',
			'## Checklist',
			'',
			'<Checklist>',
			'- Who sets what you wait for?',
			'</Checklist>',
			'',
		];
		writeFileSync(join(root, 'content/traps', `${t.name}.mdx`), `---\n${frontmatter.join('\n')}\n---\n\n${body.join('\n')}`);
	}
}
