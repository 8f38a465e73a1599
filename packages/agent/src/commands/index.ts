/**
 * The command vocabulary and what both executors share. `types.ts` is the vocabulary (commands,
 * arguments, results, the Executor and FileTransfers interfaces); the argument readers, the
 * CommandError kinds, the ZIP writer and the memory-dump header are here so the simulator fails and
 * answers exactly as the real agent; ProtectedPaths and hostPlatform are what the agent's start-up
 * needs. The real executor and its OS commands are `os-executor.ts`, a separate entry: this index
 * stays light, and the simulator, the transport and the parts that take a type never load them.
 */
export * from './types.ts';
export * from './errors.ts';
export * from './args.ts';
export type { WireArgs } from './context.ts';
export { ZipWriter } from './zip-writer.ts';
export { memdumpHeader, type MemdumpRegion } from './memdump-format.ts';
export { ProtectedPaths } from './protected-paths.ts';
export { hostPlatform } from './host-platform.ts';
