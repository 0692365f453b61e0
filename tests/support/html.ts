import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ELEMENT_NODE, parse, TEXT_NODE } from 'ultrahtml';
import { querySelector, querySelectorAll } from 'ultrahtml/selector';

type Node = ReturnType<typeof parse>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references Astro and Shiki emit. */
export function decode(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, ref: string) => {
		if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
		return ENTITIES[ref] ?? m;
	});
}

/** A parsed built page with DOM-like helpers. */
export class Page {
	readonly doc: Node;
	constructor(readonly html: string) {
		this.doc = parse(html);
	}
	static load(siteDir: string, path: string): Page {
		return new Page(readFileSync(join(siteDir, path), 'utf8'));
	}
	all(selector: string, within: Node = this.doc): Node[] {
		return querySelectorAll(within, selector);
	}
	one(selector: string, within: Node = this.doc): Node {
		const node = querySelector(within, selector);
		if (!node) throw new Error(`no element matches ${selector}`);
		return node;
	}
	attr(node: Node, name: string): string | undefined {
		const v = node.attributes?.[name];
		return v === undefined ? undefined : decode(v);
	}
	/** The text a reader sees (entities decoded, tags dropped). */
	text(node: Node = this.doc): string {
		if (node.type === TEXT_NODE) return decode(node.value);
		if (node.type !== ELEMENT_NODE && !node.children) return '';
		if (node.name === 'script' || node.name === 'style') return '';
		return (node.children ?? []).map((c: Node) => this.text(c)).join('');
	}
}
