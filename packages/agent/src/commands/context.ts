import type { CommandArgs, CommandName, FileTransfers, Platform } from './types.ts';

/** The executor's options after defaults are applied. */
export interface Settings {
  agentVersion: string;
  allowPower: boolean;
  /** Cap for each of a child process's stdout and stderr. */
  maxOutputBytes: number;
  /** Upper bound for `cat`, whatever the request asks for. */
  catMaxBytes: number;
  /** Where the agent writes its own files (dumps, exports, temp scripts); os.tmpdir() based if unset. */
  stateDir?: string;
  /** Values `env` never shows, nor any variable holding them. */
  secretValues: readonly string[];
}

/** What a command handler gets besides its arguments. */
export interface CommandContext {
  id: string;
  /** The session's normalised current directory. */
  cwd: string;
  platform: Platform;
  /** Aborts on cancellation or when the request's hard time limit passes. */
  signal: AbortSignal;
  /** The request's hard limit (ms); commands with their own timeouts never exceed it. */
  timeoutMs: number;
  transfers: FileTransfers;
  settings: Settings;
}

export interface CommandOutcome {
  data: Record<string, unknown>;
  /** The new session directory; only `cd` sets it. */
  cwd?: string;
}

/**
 * Arguments as they arrive off the wire: the contract names the keys, but nothing guarantees the
 * values' types, so handlers read them through the validators in args.ts.
 */
export type WireArgs<T> = { readonly [K in keyof T]?: unknown };

export type Handler<N extends CommandName> = (args: WireArgs<CommandArgs[N]>, ctx: CommandContext) => Promise<CommandOutcome>;

export type HandlerTable = { [N in CommandName]: Handler<N> };
