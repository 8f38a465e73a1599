import type { CommandErrorCode, Platform } from './types.ts';

/** A failure a handler reports on purpose; the executor turns it into a CommandFailure. */
export class CommandError extends Error {
  constructor(readonly code: CommandErrorCode, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export const invalidArgument = (message: string) => new CommandError('invalid_argument', message);

export const notSupported = (what: string, platform: Platform) =>
  new CommandError('not_supported', `${what} is not supported on ${platform}`);

/** errno / Node error codes the dialects care about, with the words used in messages. */
const CODE_MAP: Record<string, [CommandErrorCode, string]> = {
  ENOENT: ['not_found', 'no such file or directory'],
  ESRCH: ['not_found', 'no such process'],
  EACCES: ['permission_denied', 'permission denied'],
  EPERM: ['permission_denied', 'operation not permitted'],
  EROFS: ['permission_denied', 'read-only file system'],
  EEXIST: ['already_exists', 'already exists'],
  ENOTEMPTY: ['already_exists', 'directory not empty'],
  EINVAL: ['invalid_argument', 'invalid argument'],
  ENOTDIR: ['not_a_directory', 'not a directory'],
  EISDIR: ['is_a_directory', 'is a directory'],
  EFBIG: ['too_large', 'file too large'],
  // fs.cp's own codes
  ERR_FS_CP_EINVAL: ['invalid_argument', 'cannot copy a directory into itself'],
  ERR_FS_CP_EEXIST: ['already_exists', 'destination already exists'],
  ERR_FS_CP_DIR_TO_NON_DIR: ['not_a_directory', 'cannot overwrite a non-directory with a directory'],
  ERR_FS_CP_NON_DIR_TO_DIR: ['is_a_directory', 'cannot overwrite a directory with a non-directory'],
  ERR_FS_EISDIR: ['is_a_directory', 'is a directory'],
  ERR_FS_CP_SYMLINK_TO_SUBDIRECTORY: ['invalid_argument', 'cannot copy a symlink onto its own subdirectory'],
};

/** Maps anything a handler threw to a stable code and a message an operator can act on. */
export function describeError(err: unknown, signal?: AbortSignal): { code: CommandErrorCode; message: string } {
  if (err instanceof CommandError) return { code: err.code, message: err.message };
  if (signal?.aborted) {
    // The executor's own time limit aborts with a CommandError('timeout'); anything else is a cancel.
    const reason: unknown = signal.reason;
    if (reason instanceof CommandError) return { code: reason.code, message: reason.message };
    return isTimeoutReason(reason)
      ? { code: 'timeout', message: 'command timed out' }
      : { code: 'failed', message: 'command was cancelled' };
  }
  const e = err as NodeJS.ErrnoException & { dest?: string };
  const mapped = typeof e?.code === 'string' ? CODE_MAP[e.code] : undefined;
  if (mapped) {
    const subject = e.path ? (e.dest ? `${e.path} -> ${e.dest}: ` : `${e.path}: `) : '';
    return { code: mapped[0], message: `${subject}${mapped[1]}` };
  }
  return { code: 'failed', message: e instanceof Error ? e.message : String(err) };
}

/** Whether an abort reason means "out of time" (ours, or AbortSignal.timeout's TimeoutError). */
export function isTimeoutReason(reason: unknown): boolean {
  return (reason instanceof CommandError && reason.code === 'timeout') || (reason as { name?: string } | null)?.name === 'TimeoutError';
}
