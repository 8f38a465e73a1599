import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from './support/server.ts';
import type { TestAgent } from './support/agent.ts';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { unpack7z } from '../packages/client/src/archive.ts';
import { ARTIFACTS, CHROMIUM, hasChromium, startConsoleRig, type ConsoleRig } from './support/browser.ts';

if (!hasChromium()) {
  console.warn(`\n*** SKIPPING the web console work-page browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, as .ci/run does) ***\n`);
}

/** The README's screenshot of the terminal, rewritten when this is set (then committed by hand). */
const README_SHOT = process.env.RIPOSTE_README_SCREENSHOT ? path.resolve(import.meta.dirname, '..', 'docs', 'img', 'console-terminal.png') : undefined;
const PUT_LIMIT = 256 * 1024;
const PASSWORD = 'a long test password';

/** The visible terminal (other tabs stay mounted, hidden). */
const terminal = (page: Page) => page.locator('[role=tabpanel]:not([hidden]) .rtr-terminal');
const terminalText = (page: Page) => terminal(page).locator('.xterm-rows').innerText();
async function typeLine(page: Page, line: string) {
  await terminal(page).locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
async function dropFile(page: Page, name: string, content: string | number) {
  await terminal(page).evaluate((el, f) => {
    const dt = new DataTransfer();
    dt.items.add(new File([typeof f.content === 'number' ? new Uint8Array(f.content) : f.content], f.name));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { name, content });
}

describe.skipIf(!hasChromium())('web console work pages (terminal files, policies, libraries, live state) in Chromium', () => {
  let rig: ConsoleRig;
  let t: TestServer;
  let agent: TestAgent;
  let fleet: SimulatedFleet;
  let simHost: { deviceId: string; hostname: string };
  let page: Page;
  let work: string;
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const signIn = async (name: string) => {
    await page.goto(`${t.url}/console#/hosts`);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hosts' }).waitFor();
  };
  /** The Linux policies as stored, in precedence order (the default last). */
  const linuxPolicies = async () => t.server.core.responsePolicies.get((await t.server.core.responsePolicies.query({ filter: "platform_name:'Linux'" })).ids);
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  };

  beforeAll(async () => {
    rig = await startConsoleRig({ maxPutFileBytes: PUT_LIMIT });
    ({ t, agent, page } = rig);
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 1, platform: 'linux', stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-console-work-')), seed: 'console-work' });
    await fleet.waitConnected(1, 30_000);
    const simId = fleet.agents[0].deviceId;
    simHost = { deviceId: simId, hostname: (await t.server.core.hosts.get(simId))!.hostname };
    await t.server.core.consoleUsers.create({ name: 'ada', role: 'admin', password: PASSWORD });
    await t.server.core.consoleUsers.create({ name: 'polly', role: 'policy-admin', password: PASSWORD });
    const token = await t.token();
    expect((await t.api('POST', '/devices/entities/host-groups/v1', { token, json: { resources: [{ name: 'responders-lab', group_type: 'static' }] } })).status).toBe(201);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-console-files-'));
    fs.writeFileSync(path.join(work, 'evidence.txt'), 'evidence from the host\n');
    page.on('dialog', (d) => void d.accept());
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await rig?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('a policy admin turns get and put on, creates policies, orders them by buttons and by drag-and-drop, and gives one a host group', async () => {
    await signIn('polly');
    await page.getByRole('link', { name: 'Response policies' }).click();
    await page.getByRole('heading', { name: 'Response policies' }).waitFor();
    await expect.poll(() => page.locator('.count').innerText()).toBe('1 Linux policy');
    const get = page.getByLabel('get (GetCommand) in platform_default');
    expect(await get.isChecked()).toBe(false);
    await get.check();
    await page.getByLabel('put (PutCommand) in platform_default').check();
    await expect.poll(async () => (await linuxPolicies()).at(-1)!.settings).toMatchObject({ GetCommand: true, PutCommand: true });

    for (const name of ['first-line', 'second-line', 'third-line']) {
      await page.getByLabel('New Linux policy').fill(name);
      await page.getByRole('button', { name: 'Create policy' }).click();
      await page.getByRole('heading', { name: new RegExp(`^\\d\\. ${name}`) }).waitFor();
    }
    const names = async () => (await page.locator('article.card h3').allInnerTexts()).map((h) => h.replace(/^\d\. /, '').split(' ')[0]);
    expect(await names()).toEqual(['first-line', 'second-line', 'third-line', 'platform_default']);
    // Keyboard-reachable buttons…
    await page.getByRole('button', { name: 'Move first-line down' }).click();
    await expect.poll(names).toEqual(['second-line', 'first-line', 'third-line', 'platform_default']);
    // …and drag-and-drop: third-line dropped on second-line takes its place.
    // (The HTML5 drag events, as Playwright's docs dispatch them: a synthesised mouse drag starting
    // over a card's checkboxes does not start one.)
    const dt = await page.evaluateHandle(() => new DataTransfer());
    const from = page.getByRole('article', { name: 'Policy third-line' });
    const to = page.getByRole('article', { name: 'Policy second-line' });
    await from.dispatchEvent('dragstart', { dataTransfer: dt });
    await to.dispatchEvent('dragover', { dataTransfer: dt });
    await to.dispatchEvent('drop', { dataTransfer: dt });
    await from.dispatchEvent('dragend', { dataTransfer: dt });
    await expect.poll(names).toEqual(['third-line', 'second-line', 'first-line', 'platform_default']);
    await expect.poll(async () => (await linuxPolicies()).map((p) => p.name)).toEqual(['third-line', 'second-line', 'first-line', 'platform_default']);

    await page.getByLabel('Add a host group to first-line').selectOption({ label: 'responders-lab' });
    await page.getByRole('article', { name: 'Policy first-line' }).getByRole('button', { name: 'Add group' }).click();
    await page.getByRole('button', { name: 'Remove responders-lab from first-line' }).waitFor();
    await page.getByRole('button', { name: 'Enable first-line' }).click();
    await page.getByRole('button', { name: 'Disable first-line' }).waitFor();
    await shot('11-policies');
    await signOut();
  }, 90_000);

  it('the terminal completes commands, offers a get as the 7z download, and puts a dropped file; an upload past the limit says so', async () => {
    await signIn('ada');
    await expect.poll(() => page.locator('.count').innerText()).toBe('2 hosts');
    // The online state column is filled by its own poll.
    await expect.poll(() => page.locator('table.hosts td.online').count()).toBe(2);
    await page.getByRole('link', { name: os.hostname() }).click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/Session [0-9a-f-]+ open/);

    await terminal(page).locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('fileh');
    await page.keyboard.press('Tab');
    await expect.poll(() => terminalText(page)).toMatch(/> filehash\s*$/);
    await page.keyboard.press('Control+C');
    await page.keyboard.type('c');
    await page.keyboard.press('Tab');
    // The choices, listed under the line.
    await expect.poll(() => terminalText(page)).toMatch(/\bcat {2}cd {2}/);
    await page.keyboard.press('Control+C');

    await typeLine(page, `cd ${work}`);
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain(`${work}>`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), typeLine(page, 'get evidence.txt')]);
    expect(download.suggestedFilename()).toBe('evidence.txt.7z');
    await expect.poll(() => terminalText(page)).toMatch(/password "infected"/);
    const unpacked = await unpack7z((await download.path())!, path.join(work, 'unpacked'));
    expect(unpacked.map((f) => path.basename(f))).toEqual(['evidence.txt']);
    expect(fs.readFileSync(unpacked[0], 'utf8')).toBe('evidence from the host\n');

    await dropFile(page, 'dropped notes.txt', 'put through the console\n');
    await expect.poll(() => fs.existsSync(path.join(work, 'dropped notes.txt')), { timeout: 20_000 }).toBe(true);
    expect(fs.readFileSync(path.join(work, 'dropped notes.txt'), 'utf8')).toBe('put through the console\n');
    await expect.poll(() => terminalText(page)).toMatch(/put "dropped notes\.txt"/);

    // The keyboard's way: the file chooser beside the terminal.
    await page.locator('[role=tabpanel]:not([hidden])').getByLabel('Put a file on the host').setInputFiles({ name: 'chosen.txt', mimeType: 'text/plain', buffer: Buffer.from('chosen, not dropped\n') });
    await expect.poll(() => fs.existsSync(path.join(work, 'chosen.txt')), { timeout: 20_000 }).toBe(true);
    expect(fs.readFileSync(path.join(work, 'chosen.txt'), 'utf8')).toBe('chosen, not dropped\n');
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/Put .*chosen\.txt[\s\S]*>\s*$/);

    await dropFile(page, 'too-big.bin', PUT_LIMIT + 1024);
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/too-big\.bin \(\d+ bytes\) is larger than the server takes/);
    expect(fs.existsSync(path.join(work, 'too-big.bin'))).toBe(false);
    await shot('12-terminal-files');
    if (README_SHOT) {
      await typeLine(page, 'ls');
      await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/evidence\.txt[\s\S]*>\s*$/);
      fs.mkdirSync(path.dirname(README_SHOT), { recursive: true });
      await page.screenshot({ path: README_SHOT });
    }
  }, 120_000);

  it('keeps terminals on several hosts in tabs', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('link', { name: simHost.hostname }).click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect.poll(() => page.getByRole('tab').allInnerTexts()).toEqual([os.hostname(), simHost.hostname]);
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/Session [0-9a-f-]+ open/);
    await typeLine(page, 'pwd');
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/pwd\n.+\n/);
    // Back to the first tab with the keyboard: its session and output are still there.
    await page.getByRole('tab', { name: simHost.hostname }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('tab', { selected: true }).innerText()).toBe(os.hostname());
    await expect.poll(() => terminalText(page)).toContain('too-big.bin');
    await shot('13-terminal-tabs');
    await page.getByRole('button', { name: `Close the terminal on ${simHost.hostname}` }).click();
    await expect.poll(() => page.getByRole('tab').count()).toBe(1);
  }, 60_000);

  it('libraries: a script written in the editor, edited and deleted; a put-file uploaded and deleted', async () => {
    await page.getByRole('link', { name: 'Libraries' }).click();
    await page.getByRole('button', { name: 'New script' }).click();
    await page.getByLabel('Script name').fill('collect-uptime');
    await page.getByLabel('Description').first().fill('uptime of the host');
    await page.getByLabel('Content').fill('uptime');
    await page.getByRole('button', { name: 'Save script' }).click();
    await page.getByRole('button', { name: 'Edit collect-uptime' }).click();
    await page.getByLabel('Content').fill('uptime\ncat /proc/loadavg');
    await page.getByRole('button', { name: 'Save script' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby=scripts-h] .count').innerText()).toBe('saved collect-uptime');
    const script = async () => (await t.server.core.rtrLibrary.scripts.getByName('collect-uptime'))?.content;
    await expect.poll(script).toBe('uptime\ncat /proc/loadavg');

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'tool.sh', mimeType: 'text/plain', buffer: Buffer.from('#!/bin/sh\necho tool\n') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('link', { name: 'tool.sh' }).waitFor();
    // The file dropped on the terminal is in the library too.
    await page.getByRole('link', { name: 'dropped notes.txt' }).waitFor();
    await shot('14-libraries');
    await page.getByRole('button', { name: 'Delete tool.sh' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'tool.sh' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Delete collect-uptime' }).click();
    await expect.poll(script).toBeUndefined();
  }, 60_000);

  it('API access: an API client and an enrollment token created (secrets shown once, and they work), then removed', async () => {
    await page.getByRole('link', { name: 'API access' }).click();
    await page.getByLabel('Client name').fill('soar playbooks');
    await page.getByLabel('devices:read').check();
    await page.getByRole('button', { name: 'Create API client' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.innerText()).toMatch(/Client [0-9a-f]{32}, secret/);
    const clientId = /Client ([0-9a-f]{32})/.exec(await status.innerText())![1];
    const secret = await status.locator('code').innerText();
    const token = await t.api('POST', '/oauth2/token', { form: { client_id: clientId, client_secret: secret } });
    expect(token.status).toBe(201);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('cell', { name: clientId }).waitFor();

    await page.getByLabel('Token description').fill('lab machines');
    await page.getByLabel('Max uses').fill('3');
    await page.getByRole('button', { name: 'Create enrollment token' }).click();
    await expect.poll(() => status.innerText()).toMatch(/Enrollment token/);
    const enroll = await status.locator('code').innerText();
    expect(await t.server.core.enrollTokens.verify(enroll)).toBe(true);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await shot('16-api-access');
    await page.getByRole('button', { name: 'Revoke enrollment token lab machines' }).click();
    await expect.poll(() => page.getByRole('row', { name: /lab machines/ }).innerText()).toMatch(/revoked/);
    expect(await t.server.core.enrollTokens.verify(enroll)).toBe(false);
    await page.getByRole('button', { name: 'Delete API client soar playbooks' }).click();
    await expect.poll(() => page.getByRole('cell', { name: clientId }).count()).toBe(0);
    expect((await t.api('POST', '/oauth2/token', { form: { client_id: clientId, client_secret: secret } })).status).toBe(403);
  }, 60_000);

  it('the hosts page shows a host going offline without a reload', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    const cell = () => page.getByRole('row', { name: new RegExp(simHost.hostname) }).locator('td').last().innerText();
    await expect.poll(cell).toBe('online');
    await fleet.stop();
    await expect.poll(cell, { timeout: 20_000 }).toBe('offline');
  }, 60_000);

  it('after the policy admin turns get off, the terminal shows the refusal naming the policy and setting', async () => {
    await signOut();
    await signIn('polly');
    await page.getByRole('link', { name: 'Response policies' }).click();
    await page.getByLabel('get (GetCommand) in platform_default').uncheck();
    await expect.poll(async () => (await linuxPolicies()).at(-1)!.settings.GetCommand).toBe(false);
    await signOut();
    await signIn('ada');
    await page.getByRole('link', { name: os.hostname() }).click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/Session [0-9a-f-]+ open/);
    await typeLine(page, `get ${work}/evidence.txt`);
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/response policy "platform_default".*GetCommand|GetCommand.*platform_default/s);
    // Dark theme, by the toggle (system → light → dark).
    await page.getByRole('button', { name: /^Theme: system/ }).click();
    await page.getByRole('button', { name: /^Theme: light/ }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot('15-terminal-refused-dark');
  }, 60_000);
});
