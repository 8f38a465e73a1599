import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, testDialect } from '../testing/db.ts';
import type { CoreLog } from '../util/log.ts';
import { LocalNotifier, PgNotifier, type Notifier } from './index.ts';

function capturingLog(): CoreLog & { errors: Record<string, unknown>[] } {
  const errors: Record<string, unknown>[] = [];
  return { errors, warn: () => {}, error: (obj, msg) => errors.push({ ...obj, msg }) };
}

/** A subscriber that throws or rejects is logged, and the other subscribers still hear the message. */
async function subscriberFailuresAreLogged(notifier: Notifier, log: ReturnType<typeof capturingLog>): Promise<void> {
  const heard: string[][] = [];
  const offs = [
    notifier.subscribe('command_done', () => {
      throw new Error('subscriber bug');
    }),
    notifier.subscribe('command_done', async () => {
      throw new Error('async subscriber bug');
    }),
    notifier.subscribe('command_done', ({ ids }) => void heard.push(ids)),
  ];
  await notifier.publish('command_done', { ids: ['c1'] });
  const until = Date.now() + 10_000;
  while ((heard.length < 1 || log.errors.length < 2) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(heard).toEqual([['c1']]);
  expect(log.errors.map((e) => [e.msg, e.channel, (e.err as Error).message]).sort()).toEqual([
    ['a notification subscriber failed', 'command_done', 'async subscriber bug'],
    ['a notification subscriber failed', 'command_done', 'subscriber bug'],
  ]);
  // Unsubscribed, they hear nothing more.
  for (const off of offs) off();
  await notifier.publish('command_done', { ids: ['c2'] });
  await new Promise((r) => setTimeout(r, 200));
  expect(heard).toEqual([['c1']]);
}

describe('LocalNotifier', () => {
  it('logs a failing subscriber and still delivers to the others', async () => {
    const log = capturingLog();
    const notifier = new LocalNotifier(log);
    await subscriberFailuresAreLogged(notifier, log);
    await notifier.close();
  });
});

describe.skipIf(testDialect() !== 'postgres')('PgNotifier', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('logs a failing subscriber and still delivers to the others', async () => {
    const { url, drop } = await createTestDatabaseUrl();
    cleanup.push(drop);
    const log = capturingLog();
    const notifier = await PgNotifier.connect(url, log);
    cleanup.push(() => notifier.close());
    await subscriberFailuresAreLogged(notifier, log);
  });
});
