/**
 * Which acquire() holder is suspended awaiting a request. A runExclusive section runs in a
 * function of its own that V8 names in async stack traces; the code that called acquire() is the
 * program's own function, and V8 cannot tell two activations of one function apart. The holder's
 * activation is recognised in a request's await chain only when that cannot be anyone else:
 *
 * - at the grant, the holder's own await chain was taken (who awaited the acquire: `Store.rebuild`
 *   awaited by `main` at line 28, and so on out to a root);
 * - the request's chain has a frame of the same function and file whose callers outward are the
 *   same frames, line by line, with `Promise.all (index n)` positions, out to the same root, and
 *   that root is main() (an activation awaited from main() at one await is one activation; a
 *   fire-and-forget call has no such chain and is never matched);
 * - that frame is not the one that made the request (an activation waits for one thing at a
 *   time: if it made this request, it is not the holder suspended on it), the request was made
 *   in the holder's context and after the grant.
 *
 * This names the holder in a witness; it proves nothing by itself. The graph is read at
 * quiescence, when no code at all can run (so no timer, listener or other flow that was handed the
 * release function can call it), and at the timeout, when nothing is claimed (detector.ts).
 */
import type { Holding, LockRequest } from './lock-registry.ts';
import type { RawFrame } from './stack.ts';

/** The program's frames of a stack, innermost first (Node, harness and library frames left out), with combinator frames kept. */
export type FrameFilter = (frames: RawFrame[]) => RawFrame[];

const sameFrame = (a: RawFrame, b: RawFrame) => a.function === b.function && a.file === b.file && a.native === b.native && a.index === b.index;
const sameLine = (a: RawFrame, b: RawFrame) => sameFrame(a, b) && a.line === b.line;

/**
 * True when `request`'s latest probed await chain runs through the activation holding `holding`
 * (see the module comment); `keep` selects the frames compared, `isMain` recognises main()'s frame.
 */
export function holderAwaits(holding: Holding, request: LockRequest, keep: FrameFilter, isMain: (f: RawFrame) => boolean): boolean {
	if (!holding.grantedChain || !request.probed || request.id <= holding.grantedAfterRequest!) return false;
	let within = false;
	for (let c: typeof request.context | null = request.context; c && !within; c = c.parent) within = c === holding.context;
	if (!within) return false;
	const granted = keep(holding.grantedChain());
	const holder = granted.findIndex((f) => !f.native);
	if (holder === -1) return false;
	const outer = granted.slice(holder + 1);
	const root = outer.findLast((f) => !f.native) ?? granted[holder]; // main() itself may be the holder
	if (!isMain(root)) return false;
	const chain = keep(request.probed());
	const requester = chain.findIndex((f) => !f.native);
	if (requester === -1) return false;
	for (let k = requester + 1; k < chain.length; k++) {
		// Past `Promise.all` / `any` the holder may stop waiting (a sibling can end it first).
		if (chain[k].native && chain[k].function !== 'Promise.allSettled') return false;
		if (!sameFrame(chain[k], granted[holder])) continue;
		const rest = chain.slice(k + 1);
		if (rest.length === outer.length && rest.every((f, i) => sameLine(f, outer[i]))) return true;
	}
	return false;
}
