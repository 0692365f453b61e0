import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/verify/run-scheduler.ts';

/** Records the order in which requests are granted. */
function recorder(slots: Slots) {
	const granted: string[] = [];
	const take = (name: string, n = 1, urgent = false) => slots.take(n, urgent).then(() => granted.push(name));
	return { granted, take };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots: the pools that bound how many runs go at once', () => {
	it('grants up to its size at once, the rest as slots come back, in order', async () => {
		const slots = new Slots(2);
		const { granted, take } = recorder(slots);
		void take('a');
		void take('b');
		void take('c');
		await settle();
		expect(granted).toEqual(['a', 'b']);
		slots.give();
		await settle();
		expect(granted).toEqual(['a', 'b', 'c']);
	});

	it('lets an urgent request (a sleeper starting) pass queued ones', async () => {
		const slots = new Slots(1);
		const { granted, take } = recorder(slots);
		void take('running');
		void take('queued');
		void take('urgent', 1, true);
		await settle();
		slots.give();
		await settle();
		expect(granted).toEqual(['running', 'urgent']);
	});

	it('grants an exclusive request all slots together, never piecemeal, so two of them cannot wait on each other', async () => {
		const slots = new Slots(2);
		const { granted, take } = recorder(slots);
		void take('one');
		void take('alone-1', 2, true);
		void take('alone-2', 2, true);
		await settle();
		expect(granted).toEqual(['one']);
		slots.give();
		await settle();
		expect(granted).toEqual(['one', 'alone-1']);
		slots.give(2);
		await settle();
		expect(granted).toEqual(['one', 'alone-1', 'alone-2']);
	});
});
