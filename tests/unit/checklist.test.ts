import { describe, expect, it } from 'vitest';
import { checklistHtml } from '../../src/components/utils/checklist.ts';

describe('checklistHtml', () => {
	it('gives each top-level item a labelled checkbox', () => {
		expect(checklistHtml('<ul>\n<li>Map the <code>call</code> graph</li>\n<li>Check</li>\n</ul>', 'c')).toBe(
			'<ul class="checklist-items">\n' +
				'<li><input type="checkbox" id="c-1" /><label for="c-1">Map the <code>call</code> graph</label></li>\n' +
				'<li><input type="checkbox" id="c-2" /><label for="c-2">Check</label></li>\n</ul>',
		);
	});
	it('leaves nested lists alone', () => {
		const out = checklistHtml('<ul><li>a<ul><li>b</li></ul></li></ul>', 'c');
		expect(out).toBe('<ul class="checklist-items"><li><input type="checkbox" id="c-1" /><label for="c-1">a<ul><li>b</li></ul></label></li></ul>');
	});
});
