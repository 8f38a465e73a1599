export { RiposteClient, retryDelay, type ClientOptions } from './client.ts';
export { RiposteApiError, RiposteConnectionError, RiposteTimeoutError } from './errors.ts';
export { OPERATIONS, type OperationId } from './generated.ts';
export * from './generated.ts';
export type { CallOptions, Envelope, FalconError, OperationSpec } from './types.ts';
export { RtrSession, CommandCancelledError, tierOf, baseCommand, quoteArg, joinRemote, type Tier, type CommandResult, type RunOptions } from './session.ts';
export { runBatch, type BatchOptions, type HostResult, type HostStatus } from './batch.ts';
export { ensurePutFile } from './library.ts';
export { unpack7z, sha256File, ARCHIVE_PASSWORD } from './archive.ts';
