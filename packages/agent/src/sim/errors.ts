// Failures a simulated command reports on purpose, with the same codes and wording as the real
// executor so that dialect mapping behaves identically for simulated hosts.

import type { CommandErrorCode, Platform } from '../commands/types.ts';

export class CommandError extends Error {
  constructor(readonly code: CommandErrorCode, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export const fail = (code: CommandErrorCode, message: string) => new CommandError(code, message);

export const invalidArgument = (message: string) => fail('invalid_argument', message);

export const notFound = (subject: string) => fail('not_found', `${subject}: no such file or directory`);

export const notSupported = (what: string, platform: Platform) => fail('not_supported', `${what} is not supported on ${platform}`);
