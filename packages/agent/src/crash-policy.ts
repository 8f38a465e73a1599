/**
 * What the agent process does with an error nothing caught. The default (print and exit) would
 * drop the control channel and every command in flight for a failure that is usually local and
 * passing: a full disk refusing a journal write, a socket error raised outside a handler. So it
 * logs and keeps running; only errors that keep coming (a broken process, not a passing fault)
 * end it, so that its supervisor starts a fresh one.
 */
export type CrashLog = (level: 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface CrashPolicyOptions {
  log: CrashLog;
  /** More than this many uncaught errors within `windowMs` ends the process. Default 20 a minute. */
  maxErrors?: number;
  windowMs?: number;
  /** How the process ends when it must (tests pass a stand-in). */
  exit?: (code: number) => void;
}

export interface CrashPolicy {
  /** The handler for one uncaught error or unhandled rejection. */
  handle(kind: 'uncaughtException' | 'unhandledRejection', err: unknown): void;
  uninstall(): void;
}

/** Installs the policy on `process`; `uninstall` restores the previous behaviour. */
export function installCrashPolicy(opts: CrashPolicyOptions): CrashPolicy {
  const policy = crashPolicy(opts);
  const onException = (err: unknown) => policy.handle('uncaughtException', err);
  const onRejection = (err: unknown) => policy.handle('unhandledRejection', err);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    handle: policy.handle,
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** The policy itself, without touching `process`. */
export function crashPolicy(opts: CrashPolicyOptions): Pick<CrashPolicy, 'handle'> {
  const maxErrors = opts.maxErrors ?? 20;
  const windowMs = opts.windowMs ?? 60_000;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const recent: number[] = [];
  return {
    handle(kind, err) {
      const now = Date.now();
      recent.push(now);
      while (recent.length && recent[0] <= now - windowMs) recent.shift();
      const e = err instanceof Error ? err : new Error(String(err));
      opts.log('error', `${kind}: ${e.message}; the agent keeps running`, { err: { name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code, stack: e.stack } });
      if (recent.length > maxErrors) {
        opts.log('error', `${recent.length} uncaught errors within ${windowMs} ms; the agent exits so that its supervisor restarts it`);
        exit(70);
      }
    },
  };
}
