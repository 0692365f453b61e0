import { describe, expect, it } from 'vitest';
import { importClosure, pythonImports, scriptImports } from '../../src/verify/local-imports.ts';

const folder = (files: Record<string, string>) => (f: string) => files[f] ?? null;

describe('pythonImports', () => {
	it('finds every form of import, with the packages they run first', () => {
		const src = 'import asyncio\nimport a.b, c as d\nfrom workload import run, digest\nfrom . import sibling\n    from .x import (y,\n';
		expect(pythonImports(src)).toEqual(['asyncio', 'a', 'a.b', 'c', 'workload', 'workload.run', 'workload.digest', '.', '.sibling', '.x', '.x.y']);
	});
});

describe('scriptImports', () => {
	it('finds static, side-effect, re-export, dynamic and require imports; type-only imports load nothing', () => {
		const src = "import { a } from './a.ts';\nimport './side.ts';\nexport * from \"./re.ts\";\nconst m = await import('./lazy.ts');\nimport type { T } from './types.ts';\nimport { Mutex } from 'async-mutex';\nimport { DatabaseSync } from 'node:sqlite';\nimport x from '@scope/pkg/sub';";
		const found = scriptImports(src);
		expect(found.relative.sort()).toEqual(['./a.ts', './lazy.ts', './re.ts', './side.ts']);
		expect(found.packages.sort()).toEqual(['@scope/pkg', 'async-mutex']);
	});
});

describe('importClosure', () => {
	it('follows a program\'s local Python modules transitively, and nothing it does not import', () => {
		const read = folder({
			'failure.py': 'import asyncio\nfrom workload import run\n',
			'workload.py': 'from aiodb import Conn\n',
			'aiodb.py': 'import sqlite3\n',
			'threads_workload.py': 'x = 1\n',
			'pkg/__init__.py': '',
			'pkg/mod.py': 'from . import helper\n',
			'pkg/helper.py': '',
			'uses_pkg.py': 'import pkg.mod\n',
		});
		expect(importClosure('failure.py', read).files).toEqual(['failure.py', 'aiodb.py', 'workload.py']);
		expect(importClosure('uses_pkg.py', read).files).toEqual(['uses_pkg.py', 'pkg/__init__.py', 'pkg/helper.py', 'pkg/mod.py']);
	});

	it('follows relative TypeScript imports from the importing file, with or without an extension, and lists packages', () => {
		const read = folder({
			'failure.ts': "import { run } from './workload.ts';\nimport { Mutex } from 'async-mutex';\n",
			'workload.ts': "import { open } from './lib/aiodb';\n",
			'lib/aiodb.ts': "import { x } from '../shared.js';\n",
			'shared.ts': '',
			'solution.ts': '',
		});
		expect(importClosure('failure.ts', read)).toEqual({ files: ['failure.ts', 'lib/aiodb.ts', 'shared.ts', 'workload.ts'], packages: ['async-mutex'] });
	});
});
