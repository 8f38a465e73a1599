import pg from 'pg';
import type { CoreLog } from '../util/log.ts';
import type { ChannelName, Notifier, NotifyChannels } from './index.ts';
import { Subscribers } from './subscribers.ts';

const PREFIX = 'riposte_';
const CHANNELS: ChannelName[] = ['dispatch', 'command_done', 'cancel', 'containment'];
/** NOTIFY payloads are limited to 8000 bytes; id lists are split to stay well below. */
const MAX_IDS = 150;

/**
 * LISTEN/NOTIFY across replicas. One dedicated connection listens (and reconnects if the
 * database restarts); publishing goes through the shared pool. A replica hears its own
 * notifications too, so local subscribers need no separate path.
 */
export class PgNotifier implements Notifier {
  private readonly subscribers: Subscribers;
  private listener?: pg.Client;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly log: CoreLog,
  ) {
    this.subscribers = new Subscribers(log);
  }

  static async connect(url: string, log: CoreLog): Promise<PgNotifier> {
    const n = new PgNotifier(url, new pg.Pool({ connectionString: url, max: 4 }), log);
    // An idle pooled connection's error (the database restarting): the pool replaces it; noted.
    n.pool.on('error', (err) => log.warn({ err }, 'a notification pool connection failed'));
    await n.listen();
    return n;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      if (!msg.channel.startsWith(PREFIX) || !msg.payload) return;
      let payload: unknown;
      try {
        payload = JSON.parse(msg.payload);
      } catch {
        this.log.warn({ channel: msg.channel, bytes: msg.payload.length }, 'a notification that is not JSON was ignored');
        return;
      }
      // Each subscriber's failure is logged by `deliver`, never taken for a bad payload.
      this.subscribers.deliver(msg.channel.slice(PREFIX.length) as ChannelName, payload as never);
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'the notification listener lost its connection; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    for (const c of CHANNELS) await client.query(`LISTEN ${PREFIX}${c}`);
    this.listener = client;
  }

  private reconnect(old: pg.Client): void {
    if (this.closed || this.listener !== old) return;
    this.listener = undefined;
    const retry = (delay: number) =>
      setTimeout(() => {
        if (this.closed) return;
        this.listen().catch(() => retry(Math.min(delay * 2, 5000)));
      }, delay).unref();
    retry(200);
  }

  async publish<C extends ChannelName>(channel: C, payload: NotifyChannels[C]): Promise<void> {
    for (const part of split(payload)) {
      await this.pool.query('select pg_notify($1, $2)', [PREFIX + channel, JSON.stringify(part)]);
    }
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: NotifyChannels[C]) => void): () => void {
    return this.subscribers.add(channel, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    await this.listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}

function split(payload: any): any[] {
  for (const key of ['ids', 'device_ids']) {
    const list = payload[key];
    if (Array.isArray(list) && list.length > MAX_IDS) {
      const parts = [];
      for (let i = 0; i < list.length; i += MAX_IDS) parts.push({ ...payload, [key]: list.slice(i, i + MAX_IDS) });
      return parts;
    }
  }
  return [payload];
}
