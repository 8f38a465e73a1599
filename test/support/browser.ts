import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { ServerOptions } from '@riposte/server';
import { startTestServer, type TestServer } from './server.ts';
import { startTestAgent, type TestAgent } from './agent.ts';

export const CHROMIUM = process.env.RIPOSTE_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of browser tests, kept after the run (git-ignored). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** The console's build, made now if missing or stale (as `npm start` and `npm test` do). */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '..', '..', 'scripts', 'build-console.js')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the web console did not build');
}

/**
 * Debian's Chromium, headless, with a fresh profile. The background-networking flags keep it
 * from calling out (the machine's network is closed, and tests must not depend on it).
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-chromium-'));
  // A persistent context is how Playwright takes a --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a console browser test drives: a real server and agent, and one page of a fresh Chromium. */
export interface ConsoleRig {
  t: TestServer;
  agent: TestAgent;
  page: Page;
  close(): Promise<void>;
}

/**
 * Builds the console, starts a server (with `opts`) and an agent, and opens a Chromium page on
 * which any error thrown by the console's script fails the test. Screenshots go to ARTIFACTS.
 */
export async function startConsoleRig(opts: Partial<ServerOptions> = {}): Promise<ConsoleRig> {
  buildConsole();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const t = await startTestServer(opts);
  let agent: TestAgent | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const close = async () => {
    await chromium?.close();
    agent?.stop();
    await t.close();
  };
  try {
    agent = await startTestAgent(t);
    chromium = await launchChromium();
    const page = await chromium.context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    return { t, agent, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
