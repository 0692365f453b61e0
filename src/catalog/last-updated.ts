import { spawnSync } from 'node:child_process';

/**
 * When any of `paths` (relative to `root`) last changed in git, the way Starlight 0.42 dates its
 * own pages (`git log --format=%ct --max-count=1`, commit time in whole seconds), widened to several
 * paths: a trap page counts as updated when its page or one of its snippets changes. Undefined when
 * git is missing or none of the paths is committed, as Starlight then shows no date.
 */
export function newestCommitDate(root: string, paths: readonly string[]): Date | undefined {
	const result = spawnSync('git', ['log', '--format=%ct', '--max-count=1', '--', ...paths], { cwd: root, encoding: 'utf8' });
	if (result.error || result.status !== 0) return undefined;
	return parseCommitTime(result.stdout);
}

/** The date of `git log --format=%ct` output (seconds since the epoch), or undefined for anything else. */
export function parseCommitTime(stdout: string): Date | undefined {
	const match = stdout.trim().match(/^\d+$/);
	return match ? new Date(Number(match[0]) * 1000) : undefined;
}
