import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** The WCAG 2.x A and AA rule tags the catalog must pass, up to WCAG 2.2. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** One violation as a reader of a test failure needs it: rule, impact, and where. */
export interface AxeFinding {
	rule: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Runs axe-core on the page as it is now (include: a selector to audit only part of it) and returns the WCAG A/AA violations. */
export async function axeViolations(page: Page, include?: string): Promise<AxeFinding[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE });
	return page.evaluate(
		async ({ tags, include }) => {
			const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: any[] }> } }).axe;
			const result = await axe.run(include ? { include: [include] } : document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
			return result.violations.map((v) => ({
				rule: v.id,
				impact: v.impact ?? null,
				help: v.help,
				targets: v.nodes.map((n: { target: string[] }) => n.target.join(' ')),
			}));
		},
		{ tags: WCAG_TAGS, include },
	);
}
