// The Node.js harness's pure parts: stack parsing, chains, lock names, the wait-for graph.
import { describe, expect, it } from 'vitest';
import { toChain, type ChainContext } from '../../src/verify/node/chain.ts';
import { describeThrown } from '../../src/verify/node/errors.ts';
import { assignedName, classOfFunction, enclosingClass, lockName } from '../../src/verify/node/lock-names.ts';
import { sectionsAwaiting } from '../../src/verify/node/sections.ts';
import { displayPath } from '../../src/verify/node/source-files.ts';
import { parseFrameLine, parseStack } from '../../src/verify/node/stack.ts';
import { findCycle } from '../../src/verify/node/wait-graph.ts';

describe('parseFrameLine', () => {
	it('reads sync, async, anonymous, constructor and aliased frames', () => {
		expect(parseFrameLine('    at Store.setHash (file:///s/failure.ts:25:7)')).toEqual({ function: 'Store.setHash', file: 'file:///s/failure.ts', line: 25, column: 7, async: false, native: false });
		expect(parseFrameLine('    at async Store.rebuild (file:///s/failure.ts:40:9)')).toMatchObject({ function: 'Store.rebuild', async: true, line: 40 });
		expect(parseFrameLine('    at async file:///s/failure.ts:11:54')).toMatchObject({ function: '', file: 'file:///s/failure.ts', line: 11, async: true });
		expect(parseFrameLine('    at new Store (/s/store.js:6:14)')).toMatchObject({ function: 'new Store', file: '/s/store.js', line: 6 });
		expect(parseFrameLine('    at Object.run [as main] (file:///s/x.ts:3:1)')).toMatchObject({ function: 'Object.run', line: 3 });
	});

	it('marks frames without a location as native and reads eval frames at their inner location', () => {
		expect(parseFrameLine('    at async Promise.all (index 0)')).toMatchObject({ function: 'Promise.all', async: true, native: true });
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

describe('findCycle', () => {
	const held = (id: string, section: number | null, provable = true) => ({ id, heldBySection: section, provable });

	it('finds a self-loop: a section awaiting the lock it holds', () => {
		expect(findCycle([{ id: 1, holds: 'L', awaits: 'L' }], [held('L', 1)])).toEqual([{ section: 1, waitsFor: 'L' }]);
	});

	it('finds ABBA and starts at the oldest section', () => {
		const sections = [
			{ id: 2, holds: 'B', awaits: 'A' },
			{ id: 1, holds: 'A', awaits: 'B' },
		];
		expect(findCycle(sections, [held('A', 1), held('B', 2)])).toEqual([
			{ section: 1, waitsFor: 'B' },
			{ section: 2, waitsFor: 'A' },
		]);
	});

	it('claims nothing through a lock held outside a section, or one released or cancelled from outside', () => {
		expect(findCycle([{ id: 1, holds: 'A', awaits: 'B' }], [held('A', 1), held('B', null)])).toBeNull();
		expect(findCycle([{ id: 1, holds: 'L', awaits: 'L' }], [held('L', 1, false)])).toBeNull();
	});

	it('a chain that ends is not a cycle, even when it is long', () => {
		const sections = [
			{ id: 1, holds: 'A', awaits: 'B' },
			{ id: 2, holds: 'B', awaits: 'C' },
			{ id: 3, holds: 'C', awaits: null },
		];
		expect(findCycle(sections, [held('A', 1), held('B', 2), held('C', 3)])).toBeNull();
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
