/** The guides of the site: Markdown entries of Starlight's `docs` collection, shown inside the catalog frame. */
export const GUIDES = [{ id: 'guides/add-a-trap', route: 'guides/add-a-trap/' }] as const;

/** A guide as Markdown (llms.txt convention): its title as H1, its description as a quote, then its body. */
export function guideMarkdown(guide: { title: string; description?: string; body: string }): string {
	return [`# ${guide.title}`, '', ...(guide.description ? [`> ${guide.description}`, ''] : []), guide.body.trim(), ''].join('\n');
}
