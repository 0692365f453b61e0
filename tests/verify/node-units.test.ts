// The Node.js harness's pure parts: stack parsing, chains, lock names, the wait-for graph.
import { describe, expect, it } from 'vitest';
import { toChain, type ChainContext } from '../../src/verify/node/chain.ts';
import { parseHarnessArgs } from '../../src/verify/node/args.ts';
import { describeThrown } from '../../src/verify/node/errors.ts';
import { assignedName, classOfFunction, enclosingClass, lockName } from '../../src/verify/node/lock-names.ts';
import { sectionsAwaiting } from '../../src/verify/node/sections.ts';
import { displayPath } from '../../src/verify/node/source-files.ts';
import { parseFrameLine, parseStack } from '../../src/verify/node/stack.ts';
import { findCycle, findKnot } from '../../src/verify/node/wait-graph.ts';
import { childContext, currentContext, enterContext, MAIN_CONTEXT, runInContext, type TaskContext } from '../../src/verify/node/contexts.ts';
import { holderAwaits } from '../../src/verify/node/holder-frames.ts';
import type { Holding, LockRecord, LockRequest } from '../../src/verify/node/lock-registry.ts';
import { createLockOrder } from '../../src/verify/node/lock-order.ts';
import type { RawFrame } from '../../src/verify/node/stack.ts';

describe('parseHarnessArgs', () => {
	it('runs main() with detection unless told otherwise, and stops before main() only when asked (bench/instructions)', () => {
		expect(parseHarnessArgs(['--report-fd', '3', '--timeout-ms', '500', '/s/x.ts'])).toEqual({ reportFd: 3, timeoutMs: 500, detect: true, exitBeforeMain: false, file: '/s/x.ts' });
		expect(parseHarnessArgs(['--report-fd', '3', '--timeout-ms', '500', '--no-detect', '--exit-before-main', '/s/x.ts'])).toMatchObject({ detect: false, exitBeforeMain: true });
		expect(() => parseHarnessArgs(['--report-fd', '3', '--timeout-ms', '0', '/s/x.ts'])).toThrow(/--timeout-ms must be a positive whole number/);
	});
});

describe('enterContext (a section entering its context where its runExclusive resumed)', () => {
	it('holds for the rest of that async function and what it starts, never for its caller, the caller\'s later turns or other callbacks', async () => {
		const section = childContext(MAIN_CONTEXT, { name: 'Store.rebuild' });
		const seen: string[] = [];
		await runInContext(MAIN_CONTEXT, async () => {
			async function runExclusive(): Promise<void> {
				await null; // the grant
				enterContext(section);
				seen.push(`section ${currentContext().name}`);
				setImmediate(() => seen.push(`started by the section ${currentContext().name}`));
				await null;
				seen.push(`section after an await ${currentContext().name}`);
			}
			const running = runExclusive();
			seen.push(`caller ${currentContext().name}`);
			running.then(() => seen.push(`caller's then ${currentContext().name}`));
			await running;
			seen.push(`caller after the await ${currentContext().name}`);
			await new Promise<void>((resolve) => setImmediate(() => resolve(void seen.push(`caller's immediate ${currentContext().name}`))));
		});
		expect(seen).toEqual([
			'caller main',
			'section Store.rebuild',
			'section after an await Store.rebuild',
			"caller's then main",
			'caller after the await main',
			'started by the section Store.rebuild',
			"caller's immediate main",
		]);
	});
});

describe('parseFrameLine', () => {
	it('reads sync, async, anonymous, constructor and aliased frames', () => {
		expect(parseFrameLine('    at Store.setHash (file:///s/failure.ts:25:7)')).toEqual({ function: 'Store.setHash', file: 'file:///s/failure.ts', line: 25, column: 7, async: false, native: false });
		expect(parseFrameLine('    at async Store.rebuild (file:///s/failure.ts:40:9)')).toMatchObject({ function: 'Store.rebuild', async: true, line: 40 });
		expect(parseFrameLine('    at async file:///s/failure.ts:11:54')).toMatchObject({ function: '', file: 'file:///s/failure.ts', line: 11, async: true });
		expect(parseFrameLine('    at new Store (/s/store.js:6:14)')).toMatchObject({ function: 'new Store', file: '/s/store.js', line: 6 });
		expect(parseFrameLine('    at Object.run [as main] (file:///s/x.ts:3:1)')).toMatchObject({ function: 'Object.run', line: 3 });
	});

	it('marks frames without a location as native and reads eval frames at their inner location', () => {
		expect(parseFrameLine('    at async Promise.all (index 3)')).toMatchObject({ function: 'Promise.all', async: true, native: true, index: 3 });
		expect(parseFrameLine('    at new Promise (<anonymous>)')).toMatchObject({ function: 'new Promise', native: true });
		expect(parseFrameLine('    at f (eval at <anonymous> (file:///s/a.ts:7:12), <anonymous>:3:50)')).toMatchObject({ function: 'f', file: '<anonymous>', line: 3 });
		expect(parseFrameLine('Error: boom')).toBeNull();
	});
});

const HARNESS = '/h/src/verify/node/';
const ctx: ChainContext = { snippetDir: '/s', hiddenDirs: [HARNESS, '/s/node_modules/async-mutex/'] };
const API = { function: 'Mutex.runExclusive', file: 'async-mutex/index.mjs', line: 162 };

describe('toChain', () => {
	// A probe taken inside the nested request of the seed trap, innermost first.
	const probe = parseStack(
		[
			'Error',
			`    at waitForLock (file://${HARNESS}probes.ts:36:3)`,
			`    at async Mutex.runExclusive (file://${HARNESS}mutex-patch.ts:103:19)`,
			'    at async Store.setHash (file:///s/failure.ts:25:3)',
			'    at async file:///s/failure.ts:40:5',
			`    at async Object.__trapCatalogSection_1 (file://${HARNESS}sections.ts:18:10)`,
			`    at async Mutex.runExclusive (file://${HARNESS}mutex-patch.ts:106:11)`,
			'    at async Store.rebuild (file:///s/failure.ts:38:3)',
			'    at async runWorkload (file:///s/workload.ts:12:5)',
			'    at async Object.main (file:///s/failure.ts:70:10)',
		].join('\n'),
	);

	it('keeps the snippet\'s frames, outermost first, ending in the lock API', () => {
		expect(toChain(probe, ctx, API)).toEqual([
			{ function: 'main', file: 'failure.ts', line: 70 },
			{ function: 'runWorkload', file: 'workload.ts', line: 12 },
			{ function: 'Store.rebuild', file: 'failure.ts', line: 40 },
			{ function: 'Store.setHash', file: 'failure.ts', line: 25 },
			API,
		]);
	});

	it('names an anonymous frame <anonymous> when it is not a runExclusive callback', () => {
		const frames = parseStack('Error\n    at file:///s/a.ts:3:1\n    at async main (file:///s/a.ts:9:1)');
		expect(toChain(frames, ctx).map((f) => f.function)).toEqual(['main', '<anonymous>']);
	});

	it('shows files outside the snippet folder by package or relative path', () => {
		expect(displayPath('/s/lib/workload.ts', '/s')).toBe('lib/workload.ts');
		expect(displayPath('/p/node_modules/async-mutex/lib/Mutex.js', '/s')).toBe('async-mutex/lib/Mutex.js');
		expect(displayPath('/shared/util.ts', '/s')).toBe('../shared/util.ts');
	});
});

describe('sectionsAwaiting', () => {
	it('lists the section runners among the await frames, innermost first', () => {
		const frames = parseStack(
			'Error\n    at waitForLock (file:///h/p.ts:1:1)\n    at async Object.__trapCatalogSection_4 (file:///h/s.ts:1:1)\n    at async x (file:///s/a.ts:1:1)\n    at async __trapCatalogSection_2 (file:///h/s.ts:1:1)',
		);
		expect(sectionsAwaiting(frames)).toEqual([4, 2]);
	});

	it('ignores a section that is only on the synchronous stack (it called, it does not await)', () => {
		const frames = parseStack('Error\n    at f (file:///s/a.ts:1:1)\n    at __trapCatalogSection_4 (file:///h/s.ts:1:1)');
		expect(sectionsAwaiting(frames)).toEqual([]);
	});

	it('stops at Promise.all / any / allSettled: a sibling could end the wait', () => {
		const frames = parseStack('Error\n    at w (file:///h/p.ts:1:1)\n    at async Promise.all (index 1)\n    at async __trapCatalogSection_3 (file:///h/s.ts:1:1)');
		expect(sectionsAwaiting(frames)).toEqual([]);
	});
});

describe('lock names', () => {
	it('reads fields, assignments to this and variables', () => {
		expect(assignedName('\tprivate readonly lock = new Mutex();')).toEqual({ name: 'lock', member: true });
		expect(assignedName('\t\tthis._lock = new Mutex();')).toEqual({ name: '_lock', member: true });
		expect(assignedName('\t#lock: Mutex = new Mutex();')).toEqual({ name: '#lock', member: true });
		expect(assignedName('const cacheLock = new Mutex();')).toEqual({ name: 'cacheLock', member: false });
		expect(assignedName('\tthis.lock = makeLock();')).toEqual({ name: 'lock', member: true });
		expect(assignedName('locks.push(new Mutex());')).toBeNull();
	});

	it('finds the owning class from the frame or the source', () => {
		expect(classOfFunction('new Store')).toBe('Store');
		expect(classOfFunction('Store.init')).toBe('Store');
		expect(classOfFunction('makeLock')).toBeNull();
		const lines = ['export class Store {', '\tstatic lock = new Mutex();', '}'];
		expect(enclosingClass(lines, 1)).toBe('Store');
		expect(lockName(lines, 1, '<static_initializer>')).toBe('Store.lock');
		expect(lockName(['class A {', '  lock = new Mutex();', '}'], 1, '<instance_members_initializer>', 'new Account')).toBe('Account.lock');
		expect(lockName(['const lock = new Mutex();'], 0, '')).toBe('lock');
		expect(lockName(['use(new Mutex());'], 0, '')).toBeNull();
	});
});

describe('findCycle (through the knot of stuck sections)', () => {
	const lock = (id: string, holders: (number | null)[], free = 0, provable = true) => ({ id, holders, free, provable });
	const section = (id: number, awaits: string | null, needs = 1) => ({ id, awaits, needs });

	it('finds a self-loop: a section awaiting the lock it holds', () => {
		expect(findCycle([section(1, 'L')], [lock('L', [1])])).toEqual([{ section: 1, waitsFor: 'L' }]);
	});

	it('finds ABBA and starts at the oldest section', () => {
		expect(findCycle([section(2, 'A'), section(1, 'B')], [lock('A', [1]), lock('B', [2])])).toEqual([
			{ section: 1, waitsFor: 'B' },
			{ section: 2, waitsFor: 'A' },
		]);
	});

	it('claims nothing through a lock held outside a section, or one released or cancelled from outside', () => {
		expect(findCycle([section(1, 'B')], [lock('A', [1]), lock('B', [null])])).toBeNull();
		expect(findCycle([section(1, 'L')], [lock('L', [1], 0, false)])).toBeNull();
	});

	it('a chain that ends is not a cycle, even when it is long', () => {
		const sections = [section(1, 'B'), section(2, 'C'), section(3, null)];
		expect(findCycle(sections, [lock('A', [1]), lock('B', [2]), lock('C', [3])])).toBeNull();
	});

	it('a Semaphore is stuck only when every permit holder is stuck and too few permits are free', () => {
		// Two holders of a two-permit pool, each waiting for one more: every holder is stuck.
		expect(findCycle([section(1, 'P'), section(2, 'P')], [lock('P', [1, 2])])).toEqual([
			{ section: 1, waitsFor: 'P' },
			{ section: 2, waitsFor: 'P' },
		]);
		// One holder is not waiting (it will finish and give its permit back).
		expect(findCycle([section(1, 'P'), section(2, null)], [lock('P', [1, 2])])).toBeNull();
		// A permit is free.
		expect(findCycle([section(1, 'P')], [lock('P', [1], 1)])).toBeNull();
		// A weighted request needs more than is free.
		expect(findCycle([section(1, 'P', 2)], [lock('P', [1], 1)])).toEqual([{ section: 1, waitsFor: 'P' }]);
		// No holder at all (a Semaphore(0) used as a signal): anyone may release it.
		expect(findCycle([section(1, 'S')], [lock('S', [])])).toBeNull();
		// One holder is an acquire() caller.
		expect(findCycle([section(1, 'P')], [lock('P', [1, null])])).toBeNull();
	});

	it('findKnot drops sections that wait on a section which can still finish', () => {
		const knot = findKnot([section(1, 'A'), section(2, 'B'), section(3, 'A')], [lock('A', [2]), lock('B', [1]), lock('C', [3])]);
		expect([...knot].sort()).toEqual([1, 2, 3]);
		expect([...findKnot([section(1, 'A'), section(2, null)], [lock('A', [2])])]).toEqual([]);
	});
});

describe('lock order (lockdep-style)', () => {
	const ctx = (id: number, parent: TaskContext | null = null): TaskContext => ({ id, name: `c${id}`, parent });
	const frame = (fn: string, line: number): RawFrame => ({ function: fn, file: '/s/a.ts', line, column: 1, async: false, native: false });
	const names = new Map<object, string>();
	const record = (name: string, type: 'Mutex' | 'Semaphore' = 'Mutex') => {
		const r = { type } as LockRecord;
		names.set(r, name);
		return r;
	};
	let n = 0;
	const holding = (lock: LockRecord, context: TaskContext, frames: RawFrame[], section = true): Holding =>
		({ id: ++n, lock, via: 'runExclusive', context, section: section ? ({} as never) : null, weight: 1, requestedBy: () => frames, name: frames[0]?.function ?? 'main', released: false }) as Holding;
	const log = () => createLockOrder((r) => names.get(r)!, (f) => (f[0] ? { function: f[0].function, file: 'a.ts', line: f[0].line } : null));

	it('reports an inversion once both directions were seen, with both places', () => {
		const order = log();
		const store = record('Store.lock');
		const index = record('Index.lock');
		const main = ctx(0);
		const s1 = ctx(1, main);
		const h1 = holding(store, s1, [frame('Store.save', 23)]);
		order.taken(h1, main, 1, 1);
		order.taken(holding(index, ctx(2, s1), [frame('Store.save', 25)]), s1, 2, 2);
		order.released(h1);
		expect(order.potentialDeadlocks()).toEqual([]);
		const s3 = ctx(3, main);
		order.taken(holding(index, s3, [frame('Index.rebuild', 10)]), main, 3, 3);
		order.taken(holding(store, ctx(4, s3), [frame('Index.rebuild', 11)]), s3, 4, 4);
		expect(order.potentialDeadlocks()).toEqual([
			{
				locks: ['Store.lock', 'Index.lock'],
				orders: [
					{ task: 'Store.save', holding: { lock: 'Store.lock', at: 'a.ts:23' }, took: { lock: 'Index.lock', at: 'a.ts:25' } },
					{ task: 'Index.rebuild', holding: { lock: 'Index.lock', at: 'a.ts:10' }, took: { lock: 'Store.lock', at: 'a.ts:11' } },
				],
			},
		]);
	});

	it('does not pair locks held by unrelated sections, one class with itself, or Semaphores', () => {
		const order = log();
		const a = record('A');
		const b = record('B');
		const main = ctx(0);
		const s1 = ctx(1, main);
		order.taken(holding(a, s1, [frame('f', 1)]), main, 1, 1);
		order.taken(holding(b, ctx(2, main), [frame('g', 2)]), main, 2, 2); // a sibling, not inside s1
		const acct = record('Account.lock');
		const s3 = ctx(3, main);
		order.taken(holding(acct, s3, [frame('t', 3)]), main, 3, 3);
		order.taken(holding(acct, ctx(4, s3), [frame('t', 4)]), s3, 4, 4);
		const pool = record('Pool.slots', 'Semaphore');
		order.taken(holding(pool, ctx(5, s1), [frame('f', 5)]), s1, 5, 5);
		const s6 = ctx(6, main);
		order.taken(holding(b, s6, [frame('h', 6)]), main, 6, 6);
		order.taken(holding(a, ctx(7, s6), [frame('h', 7)]), s6, 7, 7);
		expect(order.potentialDeadlocks()).toEqual([]);
	});
});

describe('describeThrown', () => {
	it('names the error class a developer wrote, and reports non-Errors readably', () => {
		class InvariantBroken extends Error {}
		expect(describeThrown(new InvariantBroken('stale'))).toMatchObject({ type: 'InvariantBroken', message: 'stale' });
		expect(describeThrown(new RangeError('x')).type).toBe('RangeError');
		expect(describeThrown('plain string')).toEqual({ type: 'string', message: 'plain string', text: 'Uncaught plain string' });
	});
});

describe('holderAwaits (recognising an acquire() holder in a request\'s await chain)', () => {
	const f = (fn: string, line: number, extra: Partial<RawFrame> = {}): RawFrame => ({ function: fn, file: 'file:///s/a.ts', line, column: 1, async: true, native: false, ...extra });
	const all = (i: number): RawFrame => ({ function: 'Promise.all', file: '', line: 0, column: 0, async: true, native: true, index: i });
	const main = ctx(0);
	function ctx(id: number, parent: TaskContext | null = null): TaskContext {
		return { id, name: `c${id}`, parent };
	}
	const isMain = (fr: RawFrame) => fr.function === 'main';
	const keep = (frames: RawFrame[]) => frames;
	const holding = (granted: RawFrame[], afterRequest = 1) => ({ context: main, grantedChain: () => granted, grantedAfterRequest: afterRequest }) as unknown as Holding;
	const request = (probed: RawFrame[], id = 5, context = main) => ({ id, context, probed: () => probed }) as unknown as LockRequest;

	it('matches the holder awaiting a nested request, with the same callers out to main()', () => {
		const h = holding([f('Store.rebuild', 18), f('main', 28)]);
		expect(holderAwaits(h, request([f('Store.setHash', 9), f('Store.rebuild', 20), f('main', 28)]), keep, isMain)).toBe(true);
		// main() itself holding the lock.
		expect(holderAwaits(holding([f('main', 5)]), request([f('reload', 9), f('main', 6)]), keep, isMain)).toBe(true);
	});

	it('does not match another activation: other callers, a Promise.all sibling, no root in main(), or the requester itself', () => {
		expect(holderAwaits(holding([f('work', 3), f('main', 40)]), request([f('touch', 9), f('work', 5), f('main', 41)]), keep, isMain)).toBe(false);
		expect(holderAwaits(holding([f('work', 3), all(0), f('main', 40)]), request([f('touch', 9), f('work', 5), all(1), f('main', 40)]), keep, isMain)).toBe(false);
		expect(holderAwaits(holding([f('work', 3)]), request([f('touch', 9), f('work', 5)]), keep, isMain)).toBe(false);
		expect(holderAwaits(holding([f('take', 10), f('main', 20)]), request([f('take', 10), f('main', 20)]), keep, isMain)).toBe(false);
	});

	it('does not match a request made before the grant, outside the holder\'s context, or past a Promise.all', () => {
		const h = holding([f('Store.rebuild', 18), f('main', 28)], 7);
		const chain = [f('Store.setHash', 9), f('Store.rebuild', 20), f('main', 28)];
		expect(holderAwaits(h, request(chain, 6), keep, isMain)).toBe(false);
		expect(holderAwaits(holding([f('Store.rebuild', 18), f('main', 28)]), request(chain, 9, ctx(3)), keep, isMain)).toBe(false);
		expect(holderAwaits(holding([f('Store.rebuild', 18), f('main', 28)]), request([f('Store.setHash', 9), all(0), f('Store.rebuild', 20), f('main', 28)]), keep, isMain)).toBe(false);
	});
});
