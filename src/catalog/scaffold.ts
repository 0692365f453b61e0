import { LANGUAGES, type SnippetLanguage } from '../verify/languages.ts';

/** A kebab-case trap id, as the page's file name and URL use it. */
export const TRAP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The message a scaffolded program's main() raises: what to write, and where. */
export function notWrittenMessage(id: string, file: string, role: 'failure' | 'solution'): string {
	return role === 'failure'
		? `write the failure program: snippets/${id}/${file} must show the trap under a concurrent workload; the page claims a run ends in deadlock (change "expect" in content/traps/${id}.mdx if it raises instead)`
		: `write the solution program: snippets/${id}/${file} must run the same workload with the fix, check its invariants and return what it ran ({ concurrent, invariants })`;
}

/**
 * The files of a new trap `id` (paths relative to the project root): a page with every
 * required section and `TODO(new)` markers, a failure program declared `expect: deadlock` and a
 * solution program declared `expect: completed`, each with a region the page shows and a
 * `main()` that raises NotImplementedError (Error in TypeScript) saying what to write. The page
 * passes the content checks; the programs fail verification until they are written.
 */
export function scaffoldTrap(id: string, language: SnippetLanguage = 'python'): Map<string, string> {
	if (!TRAP_ID.test(id)) throw new Error(`"${id}" is not a trap id: use kebab-case (lower-case words joined by "-"), e.g. semaphore-leak-on-error.`);
	if (!LANGUAGES.includes(language)) throw new Error(`unknown language "${language}"; use one of ${LANGUAGES.join(', ')}.`);
	const ext = language === 'python' ? 'py' : 'ts';
	const failure = `failure.${ext}`;
	const solution = `solution.${ext}`;
	const program = language === 'python' ? pythonProgram : typescriptProgram;
	return new Map([
		[`content/traps/${id}.mdx`, page(id, language, failure, solution)],
		[`snippets/${id}/${failure}`, program(id, failure, 'failure')],
		[`snippets/${id}/${solution}`, program(id, solution, 'solution')],
	]);
}

function title(id: string): string {
	const words = id.split('-').join(' ');
	return words[0].toUpperCase() + words.slice(1);
}

function page(id: string, language: SnippetLanguage, failure: string, solution: string): string {
	return `---
# Written by \`npm run new\`. Replace every TODO(new); README.md "Adding a trap" gives the form of each part.
name: ${id}
title: ${title(id)}  # TODO(new): the trap's name as a reader would search for it
description: TODO(new) one sentence a reader can act on, saying what goes wrong and when.
version: 0.1.0
category: trap
languages: [${language}]
tags: []  # TODO(new): kebab-case tags, e.g. [asyncio, semaphore, deadlock]
severity: high  # low | medium | high | critical
symptoms: [hangs]  # hangs | runs-twice | slow-under-load | wrong-result | crashes
related: []
references: []  # TODO(new): official documentation or public issues for every claim about a language or library
snippets:
  - file: ${failure}
    expect: deadlock  # completed | raised | deadlock | timeout: what a run of the failure program ends in
    summary: TODO(new) one sentence saying what this program shows.
  - file: ${solution}
    expect: completed
    summary: TODO(new) one sentence saying what this program shows.
---

## Problem

TODO(new): one paragraph: the situation in which the trap springs.

- **Symptom:** TODO(new) what a developer sees in production.
- **Root cause:** TODO(new) why it happens, with a link to the documentation that says so.
- **Common misconception:** TODO(new) what they believed that led them into it.

## Failure pattern

TODO(new): what the failure program does, and which line springs the trap (mark it with \`bad="…"\`).

<Snippet file="${failure}" region="failure" />

## Solution

TODO(new): the fix, and why it holds (mark the line that fixes it with \`good="…"\`).

<Snippet file="${solution}" region="solution" />

## Red flags

<RedFlags>

- TODO(new) a pattern in code review that signals this trap

</RedFlags>

## Checklist

<Checklist>

- TODO(new) a step a reader can apply to their own code today

</Checklist>
`;
}

function pythonProgram(id: string, file: string, role: 'failure' | 'solution'): string {
	return `"""TODO(new): the ${role} program of ${id}.

${role === 'failure' ? 'The smallest program that springs the trap under a realistic concurrent workload.' : 'The same workload with the fix; it checks what the fix protects and returns what it ran.'}
Run it alone with \`npm run check -- snippets/${id}/${file}\`.
"""
import asyncio


# region ${role}
class Store:
    """TODO(new): the code the page shows."""
# endregion ${role}


async def main() -> dict:
    raise NotImplementedError(
        ${JSON.stringify(notWrittenMessage(id, file, role))}
    )


if __name__ == "__main__":
    print(asyncio.run(main()))
`;
}

function typescriptProgram(id: string, file: string, role: 'failure' | 'solution'): string {
	return `/**
 * TODO(new): the ${role} program of ${id}.
 *
 * ${role === 'failure' ? 'The smallest program that springs the trap under a realistic concurrent workload.' : 'The same workload with the fix; it checks what the fix protects and returns what it ran.'}
 * Run it alone with \`npm run check -- snippets/${id}/${file}\`.
 */

// #region ${role}
/** TODO(new): the code the page shows. */
export class Store {}
// #endregion ${role}

export async function main(): Promise<unknown> {
	throw new Error(${JSON.stringify(`Not implemented: ${notWrittenMessage(id, file, role)}`)});
}

if (import.meta.main) {
	console.log(await main());
}
`;
}
