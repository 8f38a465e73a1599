import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeVersionProblem } from '../bin/node-version.js';

describe('the Node.js version check at start-up', () => {
  it('refuses versions before 20.15 with a message naming both versions', () => {
    for (const old of ['v18.20.4', 'v20.0.0', 'v20.11.1', 'v20.14.99']) {
      expect(nodeVersionProblem(old)).toMatch(new RegExp(`needs Node\\.js ${MINIMUM_NODE.replace(/\./g, '\\.')} or later; this is Node\\.js ${old.slice(1).replace(/\./g, '\\.')}`));
    }
  });

  it('accepts 20.15 and later', () => {
    for (const ok of ['v20.15.0', 'v20.20.2', 'v21.0.0', 'v22.1.0', 'v24.0.0']) expect(nodeVersionProblem(ok)).toBeUndefined();
  });

  it('lets the CLI run on this Node.js', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('packages/cli/bin/riposte.js'), '--help']);
    expect(stdout).toContain('riposte');
  });
});
