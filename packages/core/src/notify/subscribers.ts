import type { CoreLog } from '../util/log.ts';
import type { ChannelName, NotifyChannels } from './index.ts';

type Listener<C extends ChannelName> = (payload: NotifyChannels[C]) => unknown;

/**
 * The subscribers of each channel. A subscriber that throws (or rejects) is logged and the others
 * still hear the message: one failing part must neither silence the rest nor vanish unnoticed.
 */
export class Subscribers {
  private readonly byChannel = new Map<ChannelName, Set<Listener<any>>>();

  constructor(private readonly log: CoreLog) {}

  add<C extends ChannelName>(channel: C, listener: Listener<C>): () => void {
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    // Wrapped, so that subscribing the same function twice yields two independent subscriptions.
    const entry: Listener<C> = (payload) => listener(payload);
    set.add(entry);
    return () => void set.delete(entry);
  }

  deliver<C extends ChannelName>(channel: C, payload: NotifyChannels[C]): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const r = listener(payload);
        if (r instanceof Promise) r.catch((err: unknown) => this.failed(channel, err));
      } catch (err) {
        this.failed(channel, err);
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }

  private failed(channel: ChannelName, err: unknown): void {
    this.log.error({ err, channel }, 'a notification subscriber failed');
  }
}
