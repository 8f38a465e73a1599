import { LogSink, type CoreLog } from '../util/log.ts';
import type { ChannelName, Notifier, NotifyChannels } from './index.ts';
import { Subscribers } from './subscribers.ts';

/** One process: messages are events, delivered asynchronously like a real notification would be. */
export class LocalNotifier implements Notifier {
  private readonly subscribers: Subscribers;

  constructor(log: CoreLog = new LogSink()) {
    this.subscribers = new Subscribers(log);
  }

  async publish<C extends ChannelName>(channel: C, payload: NotifyChannels[C]): Promise<void> {
    setImmediate(() => this.subscribers.deliver(channel, payload));
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: NotifyChannels[C]) => void): () => void {
    return this.subscribers.add(channel, listener);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}
