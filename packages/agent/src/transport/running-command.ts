// One command in the agent client's hands: waiting for a slot or running, with the context it runs in.

import type { CommandRequest, ExecutionContext, FileTransfers } from '../commands/index.ts';

/** A command still running after this long is reported as running. */
export const STARTED_NOTICE_MS = 250;
/** setTimeout's longest delay; a longer timeout would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const isTimeout = (reason: unknown) => (reason as { name?: string } | null)?.name === 'TimeoutError';

/**
 * A command waiting for a slot or running, and the context it runs with. Per command, one plain
 * timer carries both the started notice and the timeout (AbortSignal.any + AbortSignal.timeout
 * cost ~25 µs a command in Node 20), and the abort signal is made only when something asks for
 * it: a simulated host's ls or pwd never does, and an AbortController costs as much as either.
 */
export class RunningCommand implements ExecutionContext {
  timer: NodeJS.Timeout | undefined;
  /** Cancelled or timed out; `reason` says which. */
  aborted = false;
  reason: unknown;
  #controller: AbortController | undefined;

  constructor(
    readonly req: CommandRequest,
    readonly transfers: FileTransfers,
    private readonly uploads: (id: string, size: number) => Promise<void>,
  ) {}

  requestUpload(size: number): Promise<void> {
    return this.uploads(this.req.id, size);
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
  }

  /** The notice at STARTED_NOTICE_MS and the timeout, on one timer at a time; no closure per command. */
  startTimer(notice: Notice): void {
    const limit = Math.min(Math.max(1, this.req.timeout_ms), MAX_TIMER_MS);
    this.timer = limit <= STARTED_NOTICE_MS ? setTimeout(expireFirst, limit, this, notice, limit) : setTimeout(noticeFirst, STARTED_NOTICE_MS, this, notice, limit);
  }

  expire(): void {
    this.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }
}

export type Notice = (id: string) => void;

function noticeFirst(run: RunningCommand, notice: Notice, limit: number): void {
  notice(run.req.id);
  run.timer = setTimeout(expireLater, limit - STARTED_NOTICE_MS, run);
}

function expireLater(run: RunningCommand): void {
  run.expire();
}

/** A timeout shorter than the notice: the notice still follows if the command keeps running. */
function expireFirst(run: RunningCommand, notice: Notice, limit: number): void {
  run.expire();
  run.timer = setTimeout(noticeLater, STARTED_NOTICE_MS - limit, run, notice);
}

function noticeLater(run: RunningCommand, notice: Notice): void {
  notice(run.req.id);
}
