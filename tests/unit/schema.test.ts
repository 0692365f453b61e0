import { describe, expect, it } from 'vitest';
import { trapSchema } from '../../src/catalog/schema.ts';

const valid = {
	name: 'some-trap',
	title: 'Some trap',
	description: 'A sentence that tells a reader what goes wrong.',
	version: '1.0.0',
	category: 'trap',
	languages: ['python'],
	tags: ['asyncio'],
	severity: 'high',
	symptoms: ['hangs'],
	related: [],
	references: [{ title: 'Docs', url: 'https://docs.python.org/3/' }],
	snippets: [
		{ file: 'failure.py', expect: 'deadlock' },
		{ file: 'solution.py', expect: 'completed' },
		{ file: 'workload.py', role: 'module' },
	],
};

const issues = (data: unknown) => {
	const r = trapSchema.safeParse(data);
	return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('trap frontmatter schema', () => {
	it('accepts a complete trap and fills defaults', () => {
		const r = trapSchema.parse(valid);
		expect(r.snippets[0]).toMatchObject({ role: 'program', timeoutMs: 5000 });
		expect(r.snippets[2]).toMatchObject({ role: 'module' });
	});

	it('lets only a program expected to complete be declared to show a potential deadlock', () => {
		const snippets = (s: object) => ({ ...valid, snippets: [s] });
		expect(issues(snippets({ file: 'lucky.py', expect: 'completed', potentialDeadlock: true }))).toEqual([]);
		expect(issues(snippets({ file: 'failure.py', expect: 'deadlock', potentialDeadlock: true }))).toEqual([
			'snippets.0.potentialDeadlock: only a program that is expected to complete can be declared to show a potential deadlock; remove it or set expect: completed',
		]);
	});

	it('accepts a trap without optional lists', () => {
		const { tags, related, references, ...rest } = valid;
		expect(issues(rest)).toEqual([]);
	});

	it.each([
		['name not kebab-case', { name: 'Some_Trap' }, 'name'],
		['version not semver', { version: '1.0' }, 'version'],
		['unknown category', { category: 'tip' }, 'category'],
		['unknown language', { languages: ['go'] }, 'languages.0'],
		['no language', { languages: [] }, 'languages'],
		['unknown severity', { severity: 'urgent' }, 'severity'],
		['unknown symptom', { symptoms: ['slow'] }, 'symptoms.0'],
		['no symptom', { symptoms: [] }, 'symptoms'],
		['related id not kebab-case', { related: ['Other Trap'] }, 'related.0'],
		['reference URL not http', { references: [{ title: 'x', url: 'ftp://x.org' }] }, 'references.0.url'],
		['short description', { description: 'Bad.' }, 'description'],
		['unknown field', { owner: 'me' }, ''],
		['no snippets', { snippets: [] }, 'snippets'],
		['snippet leaving its folder', { snippets: [{ file: '../other/x.py', expect: 'completed' }] }, 'snippets.0.file'],
		['absolute snippet path', { snippets: [{ file: '/etc/passwd.py', expect: 'completed' }] }, 'snippets.0.file'],
		['snippet of unknown language', { snippets: [{ file: 'x.rb', expect: 'completed' }] }, 'snippets.0.file'],
		['program without expect', { snippets: [{ file: 'x.py' }] }, 'snippets.0.expect'],
		['module with expect', { snippets: [{ file: 'x.py', role: 'module', expect: 'completed' }] }, 'snippets.0.expect'],
		['unknown verdict', { snippets: [{ file: 'x.py', expect: 'hangs' }] }, 'snippets.0.expect'],
		['snippet declared twice', { snippets: [{ file: 'x.py', expect: 'completed' }, { file: 'x.py', expect: 'raised' }] }, 'snippets.1.file'],
		['snippet language not in languages', { snippets: [{ file: 'x.ts', expect: 'completed' }] }, 'snippets.0.file'],
		['related to itself', { related: ['some-trap'] }, 'related'],
	])('rejects %s, naming the field', (_, patch, field) => {
		const found = issues({ ...valid, ...patch });
		expect(found.length).toBeGreaterThan(0);
		expect(found.some((i) => i.startsWith(`${field}:`))).toBe(true);
	});
});
