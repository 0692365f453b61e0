/**
 * Which files of its own folder a program runs: the local modules it imports, transitively. The
 * verification cache keys a program's record on them, so that changing a module re-runs exactly
 * the programs that import it. Parsing is deliberately generous (an import in a comment or a
 * string counts too): a module counted once too often costs a re-run; one missed would let a
 * stale record pass as current.
 */
import { descriptorOf, languageOf } from './languages.ts';

export { pythonImports, scriptImports } from './languages.ts';

/** What {@link importClosure} found. */
export interface ImportClosure {
	/** Local files the program runs, itself first, then the rest sorted. */
	files: string[];
	/** npm packages a script imports (their versions belong in the key too). */
	packages: string[];
}

/**
 * Every file of the program's folder that `program` imports, directly or through other local
 * files. `read(file)` returns a file's text by its path relative to the program's folder, or
 * null when there is no such file (a standard-library or installed module).
 */
export function importClosure(program: string, read: (file: string) => string | null): ImportClosure {
	const language = descriptorOf(languageOf(program) ?? 'python');
	const seen = new Set<string>([program]);
	const packages = new Set<string>();
	const queue = [program];
	while (queue.length) {
		const file = queue.shift()!;
		const text = read(file);
		if (text === null) continue;
		const imports = language.imports(text);
		for (const p of imports.packages) packages.add(p);
		for (const name of imports.local) {
			for (const candidate of language.resolve(file, name)) {
				if (seen.has(candidate)) break;
				if (read(candidate) !== null) {
					seen.add(candidate);
					queue.push(candidate);
					break;
				}
			}
		}
	}
	const [first, ...rest] = [...seen];
	return { files: [first, ...rest.sort()], packages: [...packages].sort() };
}
