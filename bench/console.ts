// `npm run bench -- console`: the web console in Chromium over 100,000 hosts, against the API calls
// it stands for, made with fetch in the same run.
//
//   (a) first rows: the hosts page loaded afresh (signed in, assets cached) until its 50 rows are
//       in the table, from the navigation's start (the page's own call is one
//       CombinedDevicesByFilter); against one QueryDevicesByFilter (50, sorted by host name) +
//       GetDeviceDetailsV2 of those ids over HTTP;
//   (b) next page: the Next button until the next 50 rows replace them; same baseline;
//   (c) the terminal's `ls` round trip: Enter until the listing and the prompt are drawn; against
//       the same `ls` in an RTR session of its own through the client (execute, poll, chunks).
// Both are measured in the page (performance.now() and a MutationObserver), alternately with
// their baselines so both see the same noise; medians compared. Skipped, saying so, without
// Chromium. BENCH_HOSTS scales the fleet, BENCH_CONSOLE_RUNS the runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createCore, openStore } from '@riposte/core';
import { RiposteClient, RtrSession } from '@riposte/client';
import { runAgent } from '../packages/agent/src/run-agent.ts';
import { CHROMIUM, hasChromium, launchChromium } from '../test/support/browser.ts';
import { seedHosts } from './api.ts';
import { freePort, riposteArgs, ROOT, startChild } from './lib/processes.ts';
import { printRatios } from './lib/report.ts';
import { median } from './lib/rpc.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 100_000);
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 15);
const PAGE = 50;
const PASSWORD = 'bench console password';
const SCOPES = ['devices:read', 'real-time-response:read', 'real-time-response:write', 'real-time-response-admin:write'];

declare global {
  interface Window {
    __firstRows?: number;
  }
}

export async function benchConsole(): Promise<boolean> {
  if (!hasChromium()) {
    console.warn(`\n*** SKIPPING the console bench: no Chromium at ${CHROMIUM} (apt-get install -y chromium, as .ci/run does) ***\n`);
    return true;
  }
  if (spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-console.js')], { stdio: 'inherit' }).status !== 0) throw new Error('the web console did not build');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-console-'));
  const store = await openStore({ url: path.join(dataDir, 'riposte.db') });
  const core = await createCore(store);
  console.log(`seeding ${HOSTS} hosts…`);
  await seedHosts(core, HOSTS);
  await core.consoleUsers.create({ name: 'bench', role: 'admin', password: PASSWORD });
  const creds = await core.apiClients.create({ name: 'bench console', scopes: SCOPES });
  const enroll = await core.enrollTokens.create('bench console agent');
  await core.close();

  const server = await startChild(riposteArgs('server', '--data', dataDir, '--port', String(await freePort()), '--log-level', 'silent', '--rate-limit', '1000000000'), /listening on (http:\/\/\S+)/);
  const base = server.match[1];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-console-ls-'));
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(work, `file-${String(i).padStart(2, '0')}.txt`), 'x'.repeat(i));
  const agent = await runAgent({ serverUrl: base, enrollToken: enroll.token, stateDir: path.join(dataDir, 'agent'), log: () => {} });
  const chromium = await launchChromium();
  try {
    const client = new RiposteClient({ server: base, clientId: creds.client_id, clientSecret: creds.client_secret });
    const page = await chromium.context.newPage();
    // tsx keeps function names with an `__name` helper the page does not have: give it one.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.addInitScript(watchFirstRows);
    await page.goto(`${base}/console#/hosts`);
    await page.getByLabel('User name').fill('bench');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.hosts tbody tr').nth(PAGE - 1).waitFor();

    console.log('signed in; timing the hosts page…');
    // (a) and (b) against the API pair.
    const pair = async () => {
      const t0 = performance.now();
      const ids = (await client.queryDevicesByFilter({ query: { sort: 'hostname.asc', offset: 0, limit: PAGE } })).resources;
      const details = await client.getDeviceDetailsV2({ query: { ids } });
      if (details.resources.length !== PAGE) throw new Error(`GetDeviceDetailsV2 answered ${details.resources.length} hosts`);
      return performance.now() - t0;
    };
    const firstRows = async () => {
      await page.reload();
      await page.waitForFunction(() => window.__firstRows !== undefined);
      return page.evaluate(() => window.__firstRows!);
    };
    const nextPage = () => inTime(page.evaluate(clickNextAndWait, `host-${String(PAGE).padStart(6, '0')}`), 'the next page');
    const runs = { pair: [] as number[], first: [] as number[], next: [] as number[], api: [] as number[], term: [] as number[] };
    await pair();
    await firstRows();
    for (let i = 0; i < RUNS; i++) {
      runs.pair.push(await pair());
      runs.first.push(await firstRows());
      runs.next.push(await nextPage());
    }

    console.log('timing the terminal…');
    // (c) the terminal against the client's session, on the same tier (the admin role's).
    await page.goto(`${base}/console#/hosts/${agent.deviceId}`);
    await page.getByRole('button', { name: 'Open terminal' }).click();
    const input = page.locator('.xterm-helper-textarea');
    await page.waitForFunction(() => /Session [0-9a-f-]+ open/.test(document.querySelector('.xterm-rows')?.textContent ?? ''));
    await input.focus();
    await page.keyboard.type(`cd ${work}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((dir) => (document.querySelector('.xterm-rows') as HTMLElement).innerText.trimEnd().endsWith(`${dir}>`), work);
    const session = await RtrSession.open(client, agent.deviceId, { tier: 'admin' });
    await session.run(`cd ${work}`);
    const api = async () => {
      const t0 = performance.now();
      const r = await session.run('ls');
      if (!r.stdout.includes('file-39.txt')) throw new Error(`ls answered ${r.stdout.slice(0, 200)}`);
      return performance.now() - t0;
    };
    const terminal = async () => {
      await page.keyboard.type('clear');
      await page.keyboard.press('Enter');
      const done = inTime(page.evaluate(armTerminalWatch, work), 'the terminal listing');
      await page.keyboard.type('ls');
      await page.keyboard.press('Enter');
      return done;
    };
    await api();
    await terminal();
    for (let i = 0; i < RUNS; i++) {
      runs.api.push(await api());
      runs.term.push(await terminal());
    }
    await session.close();
    console.log(`medians over ${RUNS} runs: API pair ${median(runs.pair).toFixed(1)} ms, first rows ${median(runs.first).toFixed(1)} ms, next page ${median(runs.next).toFixed(1)} ms; ls through the API ${median(runs.api).toFixed(1)} ms, in the terminal ${median(runs.term).toFixed(1)} ms`);
    return printRatios(`console (${HOSTS} hosts; Chromium)`, [
      { name: '(a) hosts page, first 50 rows after a page load', value: median(runs.first), baseline: median(runs.pair), target: { atMost: 1.5 }, unit: 'ms' },
      { name: '(b) hosts page, next 50 rows', value: median(runs.next), baseline: median(runs.pair), target: { atMost: 1.5 }, unit: 'ms' },
      { name: '(c) terminal ls round trip vs the API round trip', value: median(runs.term), baseline: median(runs.api), target: { atMost: 1.2 }, unit: 'ms' },
    ]);
  } finally {
    await chromium.close();
    agent.stop();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A page-side wait that never ends would hang the run: 30 s, then say what did not come. */
function inTime<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not come in 30 s`)), 30_000)))]).finally(() => clearTimeout(timer));
}

/** In the page, from its first script: the time (since navigation start) the hosts table holds a full page. */
function watchFirstRows() {
  const observer = new MutationObserver(() => {
    if (document.querySelectorAll('table.hosts tbody tr').length >= 50) {
      window.__firstRows = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** In the page: click Next, resolve with the milliseconds until the first row names `expected`. */
function clickNextAndWait(expected: string): Promise<number> {
  return new Promise((resolve) => {
    const first = () => document.querySelector('table.hosts tbody tr td')?.textContent;
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (first() !== expected || document.querySelectorAll('table.hosts tbody tr').length < 50) return;
      observer.disconnect();
      const ms = performance.now() - t0;
      // Back to the first page for the next run.
      (document.querySelectorAll('.pager button')[0] as HTMLButtonElement).click();
      const back = new MutationObserver(() => {
        if (first() === expected) return;
        back.disconnect();
        resolve(ms);
      });
      back.observe(document.querySelector('table.hosts')!, { childList: true, subtree: true, characterData: true });
    });
    observer.observe(document.querySelector('table.hosts')!, { childList: true, subtree: true, characterData: true });
    (document.querySelectorAll('.pager button')[1] as HTMLButtonElement).click();
  });
}

/** In the page: from the next Enter until the listing's last file and a fresh prompt are drawn. */
function armTerminalWatch(dir: string): Promise<number> {
  return new Promise((resolve) => {
    const rows = document.querySelector('.xterm-rows') as HTMLElement;
    const input = document.querySelector('.xterm-helper-textarea')!;
    let t0 = 0;
    const onKey = (e: Event) => {
      if ((e as KeyboardEvent).key === 'Enter') t0 = performance.now();
    };
    input.addEventListener('keydown', onKey, { capture: true });
    const observer = new MutationObserver(() => {
      if (!t0) return;
      const text = rows.innerText.trimEnd();
      if (!text.includes('file-39.txt') || !text.endsWith(`${dir}>`)) return;
      observer.disconnect();
      input.removeEventListener('keydown', onKey, { capture: true });
      resolve(performance.now() - t0);
    });
    observer.observe(rows, { childList: true, subtree: true, characterData: true });
  });
}
