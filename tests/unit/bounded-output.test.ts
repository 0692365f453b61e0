import { describe, expect, it } from 'vitest';
import { BoundedOutput } from '../../src/verify/bounded-output.ts';

describe('BoundedOutput', () => {
	it('keeps everything while under its bounds', () => {
		const out = new BoundedOutput(8, 8);
		out.push(Buffer.from('hello '));
		out.push(Buffer.from('world'));
		expect(out.text()).toBe('hello world');
		expect(out.truncated).toBe(false);
	});
	it('keeps head and tail and says how much it left out', () => {
		const out = new BoundedOutput(4, 4);
		for (let i = 0; i < 10; i++) out.push(Buffer.from('0123456789'));
		expect(out.totalBytes).toBe(100);
		expect(out.truncated).toBe(true);
		expect(out.text()).toBe('0123\n… 92 bytes left out …\n6789');
	});
});
