import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../packages/core/src/testing/db.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/** The `riposte api-clients` commands, run as a user would, against the run's database. */
// Each CLI run is a fresh Node process loading riposte's TypeScript: seconds of CPU, far more wall time on a busy machine.
describe('riposte api-clients', { timeout: 180_000 }, () => {
  let dataDir: string;
  let db: { url: string; drop: () => Promise<void> };
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--data', dataDir, '--database', db.url]);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cli-'));
    db = await createTestDatabaseUrl();
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a client whose secret is shown once, lists it and deletes it', async () => {
    const { stdout } = await cli('api-clients', 'create', '--name', 'soar', '--scopes', 'devices:read,host-group:write', '--json');
    const created = JSON.parse(stdout);
    expect(created).toEqual({ client_id: expect.stringMatching(/^[0-9a-f]{32}$/), client_secret: expect.any(String), scopes: ['devices:read', 'host-group:write'] });
    const listed = JSON.parse((await cli('api-clients', 'list', '--json')).stdout);
    expect(listed.map((c: any) => c.client_id)).toContain(created.client_id);
    expect(JSON.stringify(listed)).not.toContain(created.client_secret);
    await cli('api-clients', 'delete', created.client_id);
    const after = JSON.parse((await cli('api-clients', 'list', '--json')).stdout);
    expect(after.map((c: any) => c.client_id)).not.toContain(created.client_id);
  });

  it('refuses bad scopes and unknown clients with a clear message and a non-zero exit', async () => {
    await expect(cli('api-clients', 'create', '--name', 'x', '--scopes', 'not a scope')).rejects.toMatchObject({ stderr: expect.stringMatching(/invalid scope/) });
    await expect(cli('api-clients', 'delete', '0'.repeat(32))).rejects.toMatchObject({ stderr: expect.stringMatching(/not found/) });
  });
});
