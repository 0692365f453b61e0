import { describe, expect, it } from 'vitest';
import { contrastRatio, parseHex } from '../support/contrast.ts';

describe('contrastRatio', () => {
	it('matches WCAG reference values', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#fff', '#fff')).toBe(1);
		// #767676 is the lightest grey that passes AA on white; #777777 is not.
		expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
		expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
		expect(contrastRatio('#ffffff', '#767676')).toBe(contrastRatio('#767676', '#ffffff'));
	});

	it('refuses a colour it cannot check', () => {
		expect(() => parseHex('var(--x)')).toThrow(/not a #rgb or #rrggbb colour/);
		expect(parseHex('#0a3')).toEqual([0, 170, 51]);
	});
});
