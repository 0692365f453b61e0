import { HtmlValidate } from 'html-validate';
import { describe, expect, inject, it } from 'vitest';
import { brokenInternalLinks, htmlFiles, readBuilt } from '../support/site-links.ts';

const site = inject('siteDir');
// The site URL the build was configured with (astro.config.mjs; SITE_URL overrides it).
const SITE_ORIGIN = new URL(process.env.SITE_URL ?? 'https://trap-catalog.example.org').origin;

describe('the built site', () => {
	it('has every page a reader reaches', () => {
		expect(htmlFiles(site)).toEqual(expect.arrayContaining(['index.html', '404.html', 'verification/index.html']));
	});

	it('has no internal link or anchor that leads nowhere', () => {
		expect(brokenInternalLinks(site, SITE_ORIGIN)).toEqual([]);
	});

	// html-validate's "standard" preset: the HTML standard's content models, attributes and nesting
	// (accessibility is axe-core's job in accessibility.test.ts).
	it('is valid HTML on every page', async () => {
		const validator = new HtmlValidate({ extends: ['html-validate:standard'] });
		const problems: string[] = [];
		for (const file of htmlFiles(site)) {
			const report = await validator.validateString(readBuilt(site, file), file);
			for (const result of report.results) {
				for (const m of result.messages) problems.push(`${file}:${m.line}:${m.column}: ${m.ruleId}: ${m.message} (${m.selector ?? ''})`);
			}
		}
		expect(problems).toEqual([]);
	});
});
