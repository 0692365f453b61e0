/**
 * Turns the rendered HTML of a Markdown list into a list of checkboxes a reader can tick:
 * each top-level `<li>` gets a checkbox with id `<prefix>-<n>` and its text becomes the
 * checkbox's label. Lists nested inside an item are left as they are.
 */
export function checklistHtml(html: string, prefix: string): string {
	let depth = 0;
	let n = 0;
	return html.replace(/<(\/?)(ul|ol|li)\b([^>]*)>/g, (tag, close: string, name: string) => {
		if (name === 'li') {
			if (depth !== 1) return tag;
			if (close) return '</label></li>';
			n++;
			return `<li><input type="checkbox" id="${prefix}-${n}" /><label for="${prefix}-${n}">`;
		}
		if (close) {
			depth--;
			return tag;
		}
		depth++;
		return depth === 1 ? tag.replace(/^<(ul|ol)/, '<$1 class="checklist-items"') : tag;
	});
}
