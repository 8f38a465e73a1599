/** What core logs through: the shape of pino's methods, so the server's logger fits as it is. */
export interface CoreLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Core is made before the server's logger exists: core's parts log through this, which forwards
 * to the logger attached later, and to stderr (one JSON line, as pino would) until then.
 */
export class LogSink implements CoreLog {
  private target?: CoreLog;

  attach(target: CoreLog): void {
    this.target = target;
  }

  warn(obj: object, msg: string): void {
    if (this.target) this.target.warn(obj, msg);
    else writeLine('warn', obj, msg);
  }

  error(obj: object, msg: string): void {
    if (this.target) this.target.error(obj, msg);
    else writeLine('error', obj, msg);
  }
}

function writeLine(level: string, obj: object, msg: string): void {
  const fields: Record<string, unknown> = { level, time: Date.now(), msg };
  for (const [k, v] of Object.entries(obj)) fields[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v;
  process.stderr.write(JSON.stringify(fields) + '\n');
}
