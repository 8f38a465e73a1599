import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FalconClient } from 'crowdstrike-falcon';
import { startTestServer, type TestServer } from './support/server.ts';
import { falconClient } from './falconjs-sdk.test.ts';

/**
 * The vendor's JavaScript SDK drives the put-file and script libraries end to end. It sends the
 * `file` part before the other fields and `platform` as one comma-joined field, the opposite of
 * FalconPy, so this also proves that part order and list encoding do not matter.
 */
describe('RTR library through the official JS SDK', () => {
  let t: TestServer;
  let client: FalconClient;
  beforeAll(async () => {
    t = await startTestServer();
    client = falconClient(t);
  });
  afterAll(() => t.close());

  it('creates, lists, gets, downloads and deletes put-files', async () => {
    const api = client.realTimeResponseAdmin;
    const bytes = crypto.randomBytes(300_000);
    const v1 = await api.rTRCreatePutFiles(new Blob([bytes]), 'collector', 'collector.bin', 'IR-7');
    expect(v1.errors ?? []).toEqual([]);
    const v2 = await api.rTRCreatePutFilesV2(new Blob(['tiny']), 'second', 'second.txt');
    expect(v2.resources[0]).toMatchObject({ name: 'second.txt', size: 4, runAttemptCount: 0, shareWithWorkflow: false });
    expect(v2.resources[0].createdTimestamp).toBeInstanceOf(Date);

    const ids = await api.rTRListPutFiles(undefined, undefined, 10, 'name|asc');
    expect(ids.meta.pagination?.total).toBe(2);
    const files = await api.rTRGetPutFiles(ids.resources);
    expect(files.resources.map((f) => f.name)).toEqual(['collector.bin', 'second.txt']);
    expect(files.resources[0]).toMatchObject({ description: 'collector', commentsForAuditLog: 'IR-7', size: 300_000 });
    expect(files.resources[0].sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
    const filesV2 = await api.rTRGetPutFilesV2([ids.resources[1]]);
    expect(filesV2.resources[0].name).toBe('second.txt');

    // The SDK types this download as JSON; the raw response carries the bytes.
    const raw = await api.rTRGetPutFileContentsRaw({ id: files.resources[0].id! });
    expect(Buffer.from(await raw.raw.arrayBuffer()).equals(bytes)).toBe(true);

    const filtered = await api.rTRListPutFiles("name:'second.txt'");
    expect(filtered.resources).toEqual([v2.resources[0].id]);

    await api.rTRDeletePutFiles(files.resources[0].id!);
    expect((await api.rTRListPutFiles()).resources).toEqual([v2.resources[0].id]);
  });

  it('surfaces library errors as SDK errors (duplicate name, unknown id)', async () => {
    const api = client.realTimeResponseAdmin;
    await api.rTRCreatePutFiles(new Blob(['a']), 'd', 'once.txt');
    await expect(api.rTRCreatePutFiles(new Blob(['b']), 'd', 'once.txt')).rejects.toMatchObject({ response: { status: 409 } });
    await expect(api.rTRGetPutFiles(['0'.repeat(32)])).rejects.toMatchObject({ response: { status: 404 } });
    await expect(api.rTRDeleteScripts('0'.repeat(32))).rejects.toMatchObject({ response: { status: 404 } });
  });

  it('creates, lists, gets, updates and deletes scripts', async () => {
    const api = client.realTimeResponseAdmin;
    const created = await api.rTRCreateScriptsV2('lists users', 'private', undefined, 'users.sh', 'new', '#!/bin/sh\nwho\n', ['linux', 'mac']);
    const script = created.resources[0];
    // FormData turns LF into CRLF in text fields (the HTML form rules); file parts stay byte-exact.
    expect(script).toMatchObject({ name: 'users.sh', permissionType: 'private', platform: ['linux', 'mac'], content: '#!/bin/sh\r\nwho\r\n', createdByUuid: t.clientId, writeAccess: true });

    await api.rTRCreateScripts('from a file', 'public', new Blob(['Get-Process']), 'procs.ps1');
    const listed = await api.rTRListScripts(undefined, undefined, undefined, 'name.asc');
    const got = await api.rTRGetScripts(listed.resources);
    expect(got.resources.map((s) => [s.name, s.platform])).toEqual([
      ['procs.ps1', ['windows']],
      ['users.sh', ['linux', 'mac']],
    ]);

    const updated = await api.rTRUpdateScriptsV2(script.id!, new Blob(['#!/bin/sh\nw\n']), 'lists sessions', undefined, 'tweak', 'group', undefined, ['linux']);
    expect(updated.resources[0]).toMatchObject({ description: 'lists sessions', permissionType: 'group', platform: ['linux'], content: '#!/bin/sh\nw\n' });
    await api.rTRUpdateScripts(script.id!, undefined, undefined, 'who.sh');
    const v2 = await api.rTRGetScriptsV2([script.id!]);
    expect(v2.resources[0]).toMatchObject({ name: 'who.sh', shareWithWorkflow: false, workflowIsDisruptive: false });

    await api.rTRDeleteScripts(script.id!);
    expect((await api.rTRListScripts("name:'who.sh'")).resources).toEqual([]);
    await expect(api.rTRUpdateScripts(script.id!, undefined, 'gone')).rejects.toMatchObject({ response: { status: 404 } });
  });

  it('reads the Falcon scripts', async () => {
    const api = client.realTimeResponseAdmin;
    const ids = await api.rTRListFalconScripts("platform:'windows'", 0, 10, 'name');
    const scripts = await api.rTRGetFalconScripts(ids.resources);
    expect(scripts.resources[0]).toMatchObject({ name: 'triage-windows', platform: 'windows', isDisruptive: false, workflowEnabled: false });
    expect(scripts.resources[0].content).toContain('Get-WinEvent');
  });
});
