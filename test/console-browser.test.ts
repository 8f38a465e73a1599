import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from './support/server.ts';
import type { TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { ARTIFACTS, CHROMIUM, hasChromium, startConsoleRig, type ConsoleRig } from './support/browser.ts';

if (!hasChromium()) {
  console.warn(`\n*** SKIPPING the web console browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, as .ci/run does) ***\n`);
}

/** The text xterm.js has drawn (its DOM renderer keeps one element per row). */
const terminalText = (page: Page) => page.locator('.xterm-rows').innerText();

describe.skipIf(!hasChromium())('web console in Chromium against a real server and agent', () => {
  let rig: ConsoleRig;
  let t: TestServer;
  let agent: TestAgent;
  let page: Page;
  let password: string;
  let fleet: SimulatedFleet | undefined;
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    rig = await startConsoleRig();
    ({ t, agent, page } = rig);
    password = t.server.bootstrap!.console_password!;
    await seedHosts(t.server.core, 60);
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await rig?.close();
  });

  it('a wrong password gives the generic message', async () => {
    await page.goto(`${t.url}/console`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('sign-in failed: wrong user name or password');
    await shot('01-sign-in-refused');
  });

  it('signs in and lists hosts, paged by the server', async () => {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The generated password: asked to choose one, which may be skipped.
    await page.getByRole('heading', { name: 'Choose a password' }).waitFor();
    await page.getByLabel('Current password').fill('not the right password');
    await page.getByLabel('New password', { exact: true }).fill('a new password here');
    await page.getByLabel('New password again').fill('a new password here');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('the current password is wrong');
    await shot('02-choose-password');
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.getByRole('heading', { name: 'Hosts' }).waitFor();
    await expect.poll(() => page.locator('.count').innerText()).toBe('61 hosts');
    expect(await page.locator('table.hosts tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('table.hosts tbody tr').count()).toBe(11);
    await shot('03-hosts');
  });

  it('searches hosts by FQL, sorts, and shows a bad filter inline', async () => {
    await page.getByLabel('FQL filter').fill("platform_name:'Mac'+hostname:*'host-000*'");
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.count').innerText()).toBe('3 hosts');
    const names = async () => page.locator('table.hosts tbody tr td:first-child').allInnerTexts();
    await expect.poll(names).toEqual(['host-0002', 'host-0005', 'host-0008']);
    await page.getByRole('button', { name: /Host name/ }).click();
    await expect.poll(names).toEqual(['host-0008', 'host-0005', 'host-0002']);
    await shot('04-hosts-fql');
    await page.getByLabel('FQL filter').fill("hostname:'unterminated");
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#filter-error').innerText()).toMatch(/Invalid FQL filter at position \d+/);
    expect(await page.locator('table.hosts tbody tr').count()).toBe(0);
    await shot('05-hosts-fql-error');
  });

  it('opens a terminal on the local host, runs ls /etc, and shows a policy refusal with policy and setting', async () => {
    const hostname = os.hostname();
    await page.getByLabel('FQL filter').fill(`hostname:'${hostname}'`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: hostname }).click();
    await page.getByRole('heading', { name: hostname }).waitFor();
    expect(await page.locator('.inventory').innerText()).toContain(agent.deviceId);
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/Session [0-9a-f-]+ open/);
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('ls /etc');
    await page.keyboard.press('Enter');
    // The listing scrolls past the visible rows: its last entries stay on screen.
    const last = fs.readdirSync('/etc').sort().slice(-3);
    for (const name of last) await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(new RegExp(`\\s${name.replace(/[.]/g, '\\.')}\\n`));
    await page.keyboard.type('get /etc/hostname');
    await page.keyboard.press('Enter');
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/response policy "platform_default".*GetCommand|GetCommand.*platform_default/s);
    // History: the arrow key brings back the last line.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => terminalText(page)).toMatch(/get \/etc\/hostname\s*$/);
    await page.keyboard.press('Control+C');
    await shot('06-terminal');
  });

  it('runs a batch over the online hosts (50 simulated and the local one) and exports it as CSV', async () => {
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 50, platform: 'mixed', stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-console-fleet-')), seed: 'console' });
    await fleet.waitConnected(50, 60_000);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByLabel('FQL filter').fill('online:true');
    await page.getByLabel('Command').fill('ls');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('.count').innerText(), { timeout: 60_000 }).toBe('finished: 51 of 51 done');
    expect(await page.locator('table.batch tbody tr').count()).toBe(51);
    await shot('07-batch');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('host,device_id,status,stdout,stderr,error');
    expect(csv.filter((l) => /^[^,]*,[0-9a-f]{32},done,/.test(l))).toHaveLength(51);
  }, 150_000);

  it('a forged CSRF token is refused for the signed-in browser', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/devices/entities/host-groups/v1', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'forged' }, body: JSON.stringify({ resources: [{ name: 'forged', group_type: 'static' }] }) });
      return res.status;
    });
    expect(status).toBe(401);
    expect(await t.server.core.hostGroups.query({ filter: "name:'forged'" }).then((p) => p.ids)).toEqual([]);
  });

  it('signs out back to the sign-in form; the old session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/devices/queries/devices/v1')).status);
    expect(status).toBe(401);
    await shot('08-signed-out');
  });
});
