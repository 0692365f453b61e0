import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postcss from 'postcss';
import { createCssVariablesTheme } from 'shiki';
import { describe, expect, it } from 'vitest';
import { classesForStyle, roleClass } from '../../src/components/utils/code-classes.ts';
import { contrastRatio } from '../support/contrast.ts';
import { ROOT } from '../support/paths.ts';

const CSS_FILE = 'src/styles/code.css';
const AA = 4.5;

/** The custom properties code.css sets for each theme, and the selectors of its rules. */
function readPalette(): { themes: Record<'dark' | 'light', Record<string, string>>; selectors: string[] } {
	const root = postcss.parse(readFileSync(join(ROOT, CSS_FILE), 'utf8'));
	const themes = { dark: {} as Record<string, string>, light: {} as Record<string, string> };
	const selectors: string[] = [];
	root.walkRules((rule) => {
		selectors.push(...rule.selectors);
		const theme = rule.selector === ':root' ? 'dark' : rule.selector === ":root[data-theme='light']" ? 'light' : null;
		if (theme) rule.walkDecls(/^--/, (d) => void (themes[theme][d.prop] = d.value));
	});
	return { themes, selectors };
}

/**
 * Every colour role Shiki's CSS-variables theme (as Astro configures it) can give a token, each
 * with the custom property the reader's browser then shows it in: its own when code-classes gives
 * it a class, the foreground when the token is left as plain text.
 */
function emittedRoles(): Array<{ role: string; property: string; className: string | null }> {
	const theme = createCssVariablesTheme({ variablePrefix: '--astro-code-' });
	const styles = new Set<string>([`color:${theme.colors!['editor.foreground']}`]);
	for (const rule of theme.tokenColors ?? []) {
		if (rule.settings.foreground) styles.add(`color:${rule.settings.foreground}`);
	}
	return [...styles].map((style) => {
		const role = /--astro-code-([a-z-]+)/.exec(style)![1];
		const classes = classesForStyle(style);
		if (!classes) throw new Error(`code-classes does not map the theme's style ${style}`);
		return classes.length
			? { role, property: `--astro-code-${role}`, className: classes[0] }
			: { role, property: '--astro-code-foreground', className: null };
	});
}

describe('code colours (src/styles/code.css)', () => {
	const { themes, selectors } = readPalette();
	const roles = emittedRoles();

	it('covers the roles the theme emits, including the one every plain token uses', () => {
		expect(roles.length).toBeGreaterThan(8);
		expect(roles.map((r) => r.role)).toEqual(expect.arrayContaining(['foreground', 'token-keyword', 'token-string', 'token-comment']));
	});

	it('gives every class the transformer can emit a rule that colours it', () => {
		for (const { className } of roles) {
			if (className) expect(selectors, className).toContain(`.astro-code .${className}`);
		}
		expect(roleClass('token-keyword')).toBe('c-keyword');
	});

	for (const theme of ['dark', 'light'] as const) {
		describe(`${theme} theme`, () => {
			const palette = themes[theme];
			const colour = (prop: string) => {
				const value = palette[prop];
				if (!value) throw new Error(`${CSS_FILE} sets no ${prop} for the ${theme} theme; add it to its :root block.`);
				return value;
			};
			const backgrounds = ['--astro-code-background', '--code-mark-bad-background', '--code-mark-good-background'];

			it.each(backgrounds)('every token colour reaches 4.5:1 against %s', (background) => {
				const failing = roles
					.map(({ role, property }) => ({ role, ratio: contrastRatio(colour(property), colour(background)) }))
					.filter((r) => r.ratio < AA)
					.map((r) => `${r.role} ${colour(`--astro-code-${r.role}`) ?? ''} ${r.ratio.toFixed(2)}:1`);
				expect(failing, `below ${AA}:1 on ${colour(background)}`).toEqual([]);
			});

			it('line numbers and the ✗ / ✓ marks reach 4.5:1 on their lines', () => {
				const pairs: Array<[string, string]> = [
					['--code-gutter', '--astro-code-background'],
					['--code-mark-bad', '--code-mark-bad-background'],
					['--code-mark-good', '--code-mark-good-background'],
				];
				for (const [fg, bg] of pairs) expect(contrastRatio(colour(fg), colour(bg)), `${fg} on ${bg}`).toBeGreaterThanOrEqual(AA);
			});
		});
	}
});
