import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../support/paths.ts';

const site = inject('siteDir');

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('the built site', () => {
	it('names no folder of the machine it was built on (project, home), in any page, script, export or record shown', () => {
		const project = ROOT.replace(/\/+$/, '');
		const needles = [...new Set([project, realpathSync(project), homedir()])].filter((n) => n.length > 1);
		const files = filesUnder(site);
		expect(files.length).toBeGreaterThan(0);
		const leaks = files.flatMap((file) => {
			const text = readFileSync(file, 'latin1');
			return needles.filter((n) => text.includes(n)).map((n) => {
				const at = text.indexOf(n);
				return `${relative(site, file)}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + n.length + 60))}`;
			});
		});
		expect(leaks).toEqual([]);
	});
});
