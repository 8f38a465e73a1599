// eventlog list/view/export over the simulated logs (the real agent's commands/eventlog.ts).

import { optionalInteger, requireOneOf, requireString } from '../../commands/index.ts';
import { contentSize } from '../content.ts';
import { exportLog, listLogs, viewLog } from '../event-logs.ts';
import { fileTimestamp, outputPath, type Handler } from './call.ts';

/** The real executor's default. */
const DEFAULT_LOG_LINES = 100;

export const eventlog: Handler = (c) => {
  const action = requireOneOf(c.args, 'action', ['list', 'view', 'export'] as const);
  if (action === 'list') return { logs: listLogs(c.host) };
  const name = requireString(c.args, 'name');
  if (action === 'view') return { name, ...viewLog(c.host, name, optionalInteger(c.args, 'count', 1, 10_000) ?? DEFAULT_LOG_LINES) };
  const { content, extension } = exportLog(c.host, name);
  const file = c.host.fs.writeFile(outputPath(c, `eventlog-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${fileTimestamp()}.${extension}`), content, false);
  return { name, path: file.path, size: contentSize(content) };
};
