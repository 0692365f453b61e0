/** The two Shiki themes every code block uses; CSS picks one from Starlight's light/dark switch. */
export const SHIKI_THEMES = { light: 'github-light', dark: 'github-dark' } as const;
