import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/** `riposte api-keys`, run as an administrator would against the server's database; the key then works over HTTP. */
// Each CLI run is a fresh Node process loading riposte's TypeScript: seconds of CPU, far more wall time on a busy machine.
describe('riposte api-keys', { timeout: 180_000 }, () => {
  let t: TestServer;
  let dataDir: string;
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--data', dataDir, '--database', t.databaseUrl]);

  beforeAll(async () => {
    t = await startTestServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cli-cb-'));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key with permissions, which authenticates and is limited to them; lists and revokes it', async () => {
    const { stdout } = await cli('api-keys', 'create', '--name', 'soar', '--permissions', 'org.liveresponse.session:READ+CREATE', '--json');
    const created = JSON.parse(stdout);
    expect(created).toMatchObject({ org_key: t.server.bootstrap!.org_key, permissions: ['org.liveresponse.session:CREATE', 'org.liveresponse.session:READ'] });
    const headers = { 'x-auth-token': `${created.api_secret}/${created.api_id}` };
    const base = `/appservices/v6/orgs/${created.org_key}`;
    expect((await t.api('GET', `${base}/liveresponse/sessions`, { headers })).status).toBe(204);
    expect((await t.api('POST', `${base}/devices/_search`, { headers, json: {} })).status).toBe(403);

    const listed = JSON.parse((await cli('api-keys', 'list', '--json')).stdout);
    expect(listed.map((k: any) => k.api_id)).toContain(created.api_id);
    expect(JSON.stringify(listed)).not.toContain(created.api_secret);
    await cli('api-keys', 'revoke', created.api_id);
    await new Promise((r) => setTimeout(r, 2100)); // verified keys are cached for 2 s
    expect((await t.api('GET', `${base}/liveresponse/sessions`, { headers })).status).toBe(401);
  });

  it('refuses unknown permissions and operations with a clear message', async () => {
    await expect(cli('api-keys', 'create', '--name', 'x', '--permissions', 'org.liveresponse.memdump:DELETE')).rejects.toMatchObject({ stderr: expect.stringMatching(/has no operation DELETE; it has READ/) });
    await expect(cli('api-keys', 'create', '--name', 'x', '--permissions', 'org.nothing:READ')).rejects.toMatchObject({ stderr: expect.stringMatching(/unknown permission "org.nothing"/) });
    await expect(cli('api-keys', 'revoke', 'NOSUCHKEY1')).rejects.toMatchObject({ stderr: expect.stringMatching(/not found/) });
  });
});
