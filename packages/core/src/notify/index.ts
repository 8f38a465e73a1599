/**
 * Messages between the server processes sharing one database: "there is work for device X",
 * "command Y is done", "cancel Z". On SQLite there is one process and they stay in memory; on
 * PostgreSQL they travel through LISTEN/NOTIFY so any replica may accept any API call.
 */
export interface NotifyChannels {
  /** New or re-queued commands: by device, or a whole fan-out by batch id. */
  dispatch: { device_ids?: string[]; batch_id?: string; origin?: string };
  /** Commands that reached a terminal state. */
  command_done: { ids: string[] };
  /** A sent command was cancelled: its agent should abort it. */
  cancel: { id: string; device_id: string };
  /** Hosts whose containment was asked for or lifted (or whose allow-list changed). */
  containment: { device_ids: string[] };
}

export type ChannelName = keyof NotifyChannels;

export interface Notifier {
  publish<C extends ChannelName>(channel: C, payload: NotifyChannels[C]): Promise<void>;
  subscribe<C extends ChannelName>(channel: C, listener: (payload: NotifyChannels[C]) => void): () => void;
  close(): Promise<void>;
}

export { LocalNotifier } from './local-notifier.ts';
export { PgNotifier } from './pg-notifier.ts';
