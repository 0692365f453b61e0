/**
 * V8 stack strings: capturing them whole (async frames included) and parsing them into frames.
 * Parsing is pure; capturing only touches Error's global knobs for the duration of one capture.
 */

/** One line of a V8 stack trace, innermost first as V8 prints it. */
export interface RawFrame {
	/** Function name as V8 prints it (`Store.rebuild`, `new Store`, `main`); '' for an anonymous function. */
	function: string;
	/** `file:///…`, an absolute path, `node:internal/…`, or '' for native frames (`Promise.all (index 0)`). */
	file: string;
	line: number;
	column: number;
	/** An `at async …` frame: a suspended async function awaiting the frame above it. */
	async: boolean;
	/** A frame without a source location: `new Promise (<anonymous>)`, `async Promise.all (index 0)`. */
	native: boolean;
	/** `Promise.all (index 2)`: the member's position, which tells sibling activations apart. */
	index?: number;
}

const FRAME = /^\s*at (async )?(.*)$/;
const LOCATION = /^(.*):(\d+):(\d+)$/;

/** Parses one `    at …` line; null when the line is not a frame (the message, `Error`, blank). */
export function parseFrameLine(text: string): RawFrame | null {
	const m = FRAME.exec(text);
	if (!m) return null;
	const isAsync = m[1] !== undefined;
	let rest = m[2].trim();
	let fn = '';
	let where = rest;
	// `fn (where)`: the location is the last parenthesised group; eval frames nest parentheses.
	if (rest.endsWith(')')) {
		const open = matchingOpen(rest);
		if (open > 0) {
			fn = rest.slice(0, open).trim();
			where = rest.slice(open + 1, -1);
		}
	}
	fn = fn.replace(/ \[as [^\]]+\]$/, '');
	// eval frames: `eval at <anonymous> (file:///x.ts:7:12), <anonymous>:3:50` → keep the inner location.
	const evalAt = /^eval at .*, (.*)$/.exec(where);
	if (evalAt) where = evalAt[1];
	const loc = LOCATION.exec(where);
	if (!loc) {
		// `Promise.all (index 0)`, `new Promise (<anonymous>)`, or a bare `native` location.
		const index = /^index (\d+)$/.exec(where);
		return { function: fn || rest, file: '', line: 0, column: 0, async: isAsync, native: true, ...(index ? { index: Number(index[1]) } : {}) };
	}
	return { function: fn, file: loc[1], line: Number(loc[2]), column: Number(loc[3]), async: isAsync, native: false };
}

function matchingOpen(s: string): number {
	let depth = 0;
	for (let i = s.length - 1; i >= 0; i--) {
		if (s[i] === ')') depth++;
		else if (s[i] === '(' && --depth === 0) return i;
	}
	return -1;
}

/** Parses a whole V8 stack string into frames, innermost first; lines that are not frames are skipped. */
export function parseStack(stack: string): RawFrame[] {
	const frames: RawFrame[] = [];
	for (const line of stack.split('\n')) {
		const f = parseFrameLine(line);
		if (f) frames.push(f);
	}
	return frames;
}

const DEEP = 100;

/**
 * Captures the current stack (sync frames, then the `at async` frames of everything awaiting the
 * running async function) as V8 formats it by default, however the program set
 * `Error.stackTraceLimit` or `Error.prepareStackTrace`. Frames above `below` are left out.
 */
export function captureStack(below?: Function): string {
	const limit = Error.stackTraceLimit;
	const prepare = Error.prepareStackTrace;
	Error.stackTraceLimit = DEEP;
	Error.prepareStackTrace = undefined;
	try {
		const holder: { stack?: string } = {};
		Error.captureStackTrace(holder, below);
		return holder.stack ?? '';
	} finally {
		Error.stackTraceLimit = limit;
		Error.prepareStackTrace = prepare;
	}
}

/** Captures the current stack as frames, innermost first (see {@link captureStack}). */
export function captureFrames(below?: Function): RawFrame[] {
	return parseStack(captureStack(below));
}

/** Frames captured now, formatted and parsed only when first asked for (then remembered). */
export type LazyFrames = () => RawFrame[];

/**
 * Captures the current stack now (cheap: V8 records the frames) and formats it only if someone
 * asks: most requests for a lock never need their stack. Formatting ignores whatever
 * `Error.prepareStackTrace` the program sets in between.
 */
export function captureLazyFrames(below?: Function): LazyFrames {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = DEEP;
	const holder: { stack?: string } = {};
	try {
		Error.captureStackTrace(holder, below);
	} finally {
		Error.stackTraceLimit = limit;
	}
	let frames: RawFrame[] | null = null;
	return () => {
		if (!frames) {
			const prepare = Error.prepareStackTrace;
			Error.prepareStackTrace = undefined;
			try {
				frames = parseStack(holder.stack ?? '');
			} finally {
				Error.prepareStackTrace = prepare;
			}
		}
		return frames;
	};
}

/**
 * The frame that called `below`, as V8 prints it (`Promise.race (<anonymous>)`,
 * `file:///x.ts:3:5`), or null when no JavaScript called it (a Promise job). Cheap: one frame.
 */
export function callerOf(below: Function): string | null {
	const limit = Error.stackTraceLimit;
	const prepare = Error.prepareStackTrace;
	Error.stackTraceLimit = 1;
	Error.prepareStackTrace = (_e, sites) => (sites.length ? String(sites[0]) : null);
	try {
		const holder: { stack?: unknown } = {};
		Error.captureStackTrace(holder, below);
		return holder.stack as string | null;
	} finally {
		Error.stackTraceLimit = limit;
		Error.prepareStackTrace = prepare;
	}
}
