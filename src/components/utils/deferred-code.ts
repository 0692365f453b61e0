/**
 * Fills a `<details data-src>` with the highlighted code of the whole-file page it names, the
 * first time the reader opens it: the trap page then carries only its programs at first load.
 * Until then (and without JavaScript) the details hold a link to that page. Browser-only.
 */
export function loadDeferredCode(details: HTMLDetailsElement): void {
	details.addEventListener('toggle', async function load() {
		if (!details.open) return;
		details.removeEventListener('toggle', load);
		const fallback = details.querySelector('p');
		try {
			const response = await fetch(details.dataset.src!);
			if (!response.ok) throw new Error(`HTTP ${response.status}`);
			const page = new DOMParser().parseFromString(await response.text(), 'text/html');
			const pre = page.querySelector('pre.astro-code');
			if (!pre) throw new Error('no code on the page');
			fallback?.replaceWith(document.importNode(pre, true));
		} catch (e) {
			fallback?.prepend(`The code could not be loaded (${(e as Error).message}). `);
		}
	});
}
