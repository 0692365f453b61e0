/**
 * Readable lock names from the line that created the lock: `private readonly lock = new Mutex()`
 * in class Store is `Store.lock`; `const cacheLock = new Mutex()` is `cacheLock`.
 */

// `[modifiers] [this.|#]name[!][: Type] = [new] X(` — a field, an assignment to this, or a variable,
// given a new object or the result of a call (a helper that makes the lock).
const ASSIGNMENT =
	/(?:^|[\s;{(,])(?:(?:private|public|protected|readonly|static|declare|override|const|let|var)\s+)*(this\.)?(#?[A-Za-z_$][\w$]*)\s*!?\s*(?::[^=]+)?=\s*(?:await\s+)?(?:new\s+)?[\w$.]+\s*(?:<[^>]*>)?\s*\(/;
const CLASS_DECLARATION = /^(\s*)(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/;
const IS_FIELD = /^\s*(?:(?:private|public|protected|readonly|static|declare|override)\s+)*#?[A-Za-z_$][\w$]*\s*!?\s*(?::[^=]+)?=/;

/** The variable or field a `new …(` (or a call) on `line` is assigned to, and whether it belongs to `this` (a field). */
export function assignedName(line: string): { name: string; member: boolean } | null {
	const m = ASSIGNMENT.exec(line);
	if (!m) return null;
	return { name: m[2], member: m[1] !== undefined || IS_FIELD.test(line) };
}

/** The class whose body contains line `index` (0-based) of `lines`: the nearest less-indented `class X` above it. */
export function enclosingClass(lines: string[], index: number): string | null {
	const indent = (s: string) => /^\s*/.exec(s)![0].length;
	const own = indent(lines[index] ?? '');
	for (let i = index - 1; i >= 0; i--) {
		const m = CLASS_DECLARATION.exec(lines[i]);
		if (m && m[1].length < own) return m[2];
	}
	return null;
}

/** The class named by a V8 frame function: `new Store` and `Store.init` are `Store`. */
export function classOfFunction(fn: string): string | null {
	const m = /^new ([A-Za-z_$][\w$]*)$/.exec(fn) ?? /^([A-Z][\w$]*)\.[^.]+$/.exec(fn);
	return m ? m[1] : null;
}

/**
 * Names a lock created on line `index` of `lines` by the function named `frameFunction` (and its
 * caller `callerFunction`, for field initialisers). Null when the line does not say.
 */
export function lockName(lines: string[], index: number, frameFunction: string, callerFunction?: string): string | null {
	const assigned = assignedName(lines[index] ?? '');
	if (!assigned) return null;
	if (!assigned.member) return assigned.name;
	const initializer = /^<(instance_members|static)_initializer>$/.test(frameFunction);
	const owner =
		classOfFunction(frameFunction) ?? (initializer && callerFunction ? classOfFunction(callerFunction) : null) ?? enclosingClass(lines, index);
	return owner ? `${owner}.${assigned.name}` : assigned.name;
}
