/**
 * Makes `button` copy the code of the figure it sits in: the text of each shown line, joined by
 * newlines, without the gutter numbers (those are CSS, not text). Says "Copied" or "Copy failed"
 * for a moment. Browser-only.
 */
export function copyShownLines(button: HTMLButtonElement): void {
	button.addEventListener('click', async () => {
		const label = button.textContent;
		try {
			const pre = button.closest('figure')!.querySelector('pre')!;
			const lines = [...pre.querySelectorAll('.line')].map((line) => line.textContent);
			await navigator.clipboard.writeText(lines.join('\n'));
			button.textContent = 'Copied';
		} catch {
			button.textContent = 'Copy failed';
		}
		setTimeout(() => (button.textContent = label), 1500);
	});
}
