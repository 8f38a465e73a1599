import { EventEmitter } from 'node:events';
import type { ChannelName, Notifier, NotifyChannels } from './index.ts';

/** One process: messages are events, delivered asynchronously like a real notification would be. */
export class LocalNotifier implements Notifier {
  protected readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish<C extends ChannelName>(channel: C, payload: NotifyChannels[C]): Promise<void> {
    setImmediate(() => this.emitter.emit(channel, payload));
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: NotifyChannels[C]) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
