import { codeToHtml, createCssVariablesTheme } from 'shiki';
import { describe, expect, it } from 'vitest';
import { classesForStyle, codeClassesTransformer } from '../../src/components/utils/code-classes.ts';
import { decode } from '../support/html.ts';

const theme = createCssVariablesTheme({ name: 'css-variables', variablePrefix: '--astro-code-' });
const highlight = (code: string, lang: string) => codeToHtml(code, { lang, theme, transformers: [codeClassesTransformer()] });
const text = (html: string) => decode(html.replace(/<[^>]+>/g, ''));

describe('classesForStyle', () => {
	it('turns a role colour into its class and font styles into theirs', () => {
		expect(classesForStyle('color:var(--astro-code-token-keyword)')).toEqual(['c-keyword']);
		expect(classesForStyle('color:var(--astro-code-token-link);text-decoration:underline')).toEqual(['c-link', 'c-underline']);
	});
	it('leaves foreground and punctuation as plain text', () => {
		expect(classesForStyle('color:var(--astro-code-foreground)')).toEqual([]);
		expect(classesForStyle('color:var(--astro-code-token-punctuation)')).toEqual([]);
	});
	it('keeps a style it does not know', () => {
		expect(classesForStyle('color:#ff0000')).toBeNull();
	});
});

describe('codeClassesTransformer', () => {
	const python = 'async def rebuild(self, path):\n    await self.set_hash(path, "x")  # ❌ DEADLOCK';

	it('emits no inline style, on tokens or on the block', async () => {
		const html = await highlight(python, 'python');
		expect(html).not.toMatch(/style=/);
		expect(html).toMatch(/<span class="c-keyword">async def<\/span>/);
		expect(html).toMatch(/<span class="c-comment">  # ❌ DEADLOCK<\/span>/);
	});

	it('keeps the code exactly, line by line', async () => {
		const html = await highlight(python, 'python');
		const lines = [...html.matchAll(/<span class="line">(.*?)<\/span>(?=\n|<\/code>)/g)].map((m) => text(m[1]));
		expect(lines).toEqual(python.split('\n'));
	});

	it('writes fewer bytes than the inline-style output it replaces', async () => {
		const plain = await codeToHtml(python, { lang: 'python', theme });
		const compact = await highlight(python, 'python');
		expect(text(compact)).toBe(text(plain));
		expect(compact.length).toBeLessThan(plain.length / 2);
	});
});
