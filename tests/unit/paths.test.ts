import { describe, expect, it } from 'vitest';
import { projectRootOf, publishable, publishableText } from '../../src/verify/paths.ts';

const ctx = { roots: ['/home/ci/work/catalog', '/home/ci/work/catalog/.verify/copies/copy-1'], tmp: '/tmp', home: '/home/ci' };

describe('publishableText: output that names no machine', () => {
	it('shows the project\'s files relative to the project, in tracebacks and file URLs', () => {
		expect(publishableText('  File "/home/ci/work/catalog/snippets/t/workload.py", line 12, in run', ctx)).toBe('  File "snippets/t/workload.py", line 12, in run');
		expect(publishableText('    at rebuild (file:///home/ci/work/catalog/snippets/t/failure.ts:21:5)', ctx)).toBe('    at rebuild (snippets/t/failure.ts:21:5)');
		expect(publishableText('/home/ci/work/catalog/.verify/copies/copy-1/snippets/t/a.py', ctx)).toBe('snippets/t/a.py');
		expect(publishableText('cwd: /home/ci/work/catalog', ctx)).toBe('cwd: .');
	});

	it('shows Python and npm library files by module, wherever they are installed', () => {
		expect(publishableText('File "/usr/lib/python3.12/asyncio/locks.py", line 114', ctx)).toBe('File "asyncio/locks.py", line 114');
		expect(publishableText('File "/home/ci/.pyenv/versions/3.11.7/lib/python3.11/threading.py"', ctx)).toBe('File "threading.py"');
		expect(publishableText('/opt/venv/lib/python3.13/site-packages/attr/_make.py', ctx)).toBe('attr/_make.py');
		expect(publishableText('at Mutex.acquire (/home/ci/work/catalog/node_modules/async-mutex/lib/Mutex.js:15:9)', ctx)).toBe('at Mutex.acquire (async-mutex/lib/Mutex.js:15:9)');
		expect(publishableText('at process.processTicksAndRejections (node:internal/process/task_queues:105:5)', ctx)).toBe('at process.processTicksAndRejections (node:internal/process/task_queues:105:5)');
	});

	it('hides the run\'s temporary folder and the home folder', () => {
		expect(publishableText("sqlite3.OperationalError: unable to open '/tmp/trap-run-Ab12/tmpx/index.db'", ctx)).toBe("sqlite3.OperationalError: unable to open '$TMPDIR/tmpx/index.db'");
		expect(publishableText('/home/ci/.cache/x and /home/cinema', ctx)).toBe('~/.cache/x and /home/cinema');
	});
});

describe('publishable', () => {
	it('rewrites every string of a run result, deep, and keeps keys and other values', () => {
		const run = { file: '/home/ci/work/catalog/snippets/t/a.py', elapsedMs: 3, witness: { tasks: [{ chain: [{ file: '/usr/lib/python3.12/asyncio/locks.py', line: 1 }] }] }, error: null };
		expect(publishable(run, ctx)).toEqual({ file: 'snippets/t/a.py', elapsedMs: 3, witness: { tasks: [{ chain: [{ file: 'asyncio/locks.py', line: 1 }] }] }, error: null });
	});
});

describe('projectRootOf', () => {
	it('is the folder above the file\'s snippets/ folder', () => {
		expect(projectRootOf('/a/b/snippets/t/x.py')).toBe('/a/b');
		expect(projectRootOf('/a/b/x.py')).toBeUndefined();
	});
});
