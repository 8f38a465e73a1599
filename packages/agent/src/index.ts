export {
  COMMAND_NAMES,
  type CommandArgs,
  type CommandErrorCode,
  type CommandFailure,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type CommandSuccess,
  type ExecutionContext,
  type Executor,
  type FileEntry,
  type FileTransfers,
  type Inventory,
  type Platform,
  type ProcessInfo,
  type UpdateHistoryEntry,
} from './commands/index.ts';
export { OsExecutor } from './commands/os-executor.ts';
export { AgentClient, type AgentClientOptions, FileJournal, MemoryJournal, type Journal, enroll, loadIdentity, loadOrEnroll, saveIdentity, type AgentIdentity, HttpFileTransfers, httpsAgent, tlsRequestOptions, type AgentTls } from './transport/index.ts';
export { runAgent, type RunAgentOptions, type RunningAgent } from './run-agent.ts';
export { uninstallAgent } from './uninstall.ts';
export { AGENT_VERSION } from './version.ts';
export * from './sim/index.ts';
