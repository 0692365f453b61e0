/**
 * Task identity through AsyncLocalStorage: main() runs in the root context, and each runExclusive
 * callback in a child context of its caller's, so a lock's owner is a context, not "whoever runs".
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** An async context the witness can name: main(), or the callback of one runExclusive call. */
export interface TaskContext {
	id: number;
	/** `main`, or the function that called runExclusive (`Store.rebuild`). */
	readonly name: string;
	parent: TaskContext | null;
}

const storage = new AsyncLocalStorage<TaskContext>();
let nextId = 0;

/** The context of main() (id 0). */
export const MAIN_CONTEXT: TaskContext = { id: nextId++, name: 'main', parent: null };

/** Code outside main(): module top level, or callbacks scheduled before main() started. */
export const OUTSIDE_CONTEXT: TaskContext = { id: -1, name: 'module top level', parent: null };

/** The context the calling code runs in; {@link OUTSIDE_CONTEXT} outside main(). */
export function currentContext(): TaskContext {
	return storage.getStore() ?? OUTSIDE_CONTEXT;
}

/** A section's context: a plain object whose name is read from what it is named after (a request) when first asked. */
class ChildContext implements TaskContext {
	id: number;
	parent: TaskContext | null;
	#namedAfter: { readonly name: string };
	constructor(parent: TaskContext, namedAfter: { readonly name: string }) {
		this.id = nextId++;
		this.parent = parent;
		this.#namedAfter = namedAfter;
	}
	get name(): string {
		return this.#namedAfter.name;
	}
}

/**
 * A new child of `parent` (the context the caller runs in: {@link currentContext}, or one read
 * earlier in the same flow), named as `namedAfter` is when first asked (naming reads stacks;
 * `namedAfter.name` is worked out once).
 */
export function childContext(parent: TaskContext, namedAfter: { readonly name: string }): TaskContext {
	return new ChildContext(parent, namedAfter);
}

/** True when `context` is `ancestor` or runs inside it (a flow started from it). */
export function isWithin(context: TaskContext, ancestor: TaskContext): boolean {
	for (let c: TaskContext | null = context; c; c = c.parent) if (c === ancestor) return true;
	return false;
}

/**
 * Makes `context` the current one for the rest of the running turn and everything it starts,
 * without restoring the previous one. Only for an async function that has just resumed from an
 * await: it runs in a microtask of its own, so no caller's synchronous code runs after it in this
 * turn, and what the caller does next was bound to the caller's context when it awaited. Half of
 * {@link runInContext}'s cost (one context frame made, not two).
 */
export function enterContext(context: TaskContext): void {
	storage.enterWith(context);
}

/** Runs `fn` in `context`; everything it starts, awaited or not, inherits the context. */
export function runInContext<T>(context: TaskContext, fn: () => T): T {
	return storage.run(context, fn);
}
