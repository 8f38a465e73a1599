/** Process results as text: `ps` as a table, `run`/`runscript` as the program's own output. */
import { list, num, str, table, utc, type Data } from './text.ts';
import type { Rendered } from './index.ts';

export function renderPs(data: Data): string {
  const rows = list(data.processes).map((p) => [
    str(num(p.pid)),
    str(num(p.ppid)),
    str(p.user),
    num(p.cpu_percent).toFixed(1),
    str(Math.round(num(p.memory_bytes) / 1024)),
    utc(p.start_time),
    str(p.name),
    str(p.command_line) || str(p.path),
  ]);
  return table(['PID', 'PPID', 'User', 'CPU %', 'Memory (KB)', 'Start Time (UTC)', 'Name', 'Command Line'], rows, [0, 1, 3, 4]);
}

export function renderKill(data: Data): string {
  return `Process ${num(data.pid)} killed (${str(data.signal)})\n`;
}

export function renderMemdump(data: Data): string {
  return `Memory of process ${num(data.pid)} dumped to ${str(data.path)} (${num(data.size)} bytes, ${num(data.regions)} regions)\nSHA256: ${str(data.sha256)}\n`;
}

/** The program's stdout and stderr as they are; how it ended goes to stderr when it did not exit 0. */
export function renderProcessOutcome(data: Data): Rendered {
  if (data.exit_code === undefined && data.stdout === undefined) return { stdout: `Process started with PID ${num(data.pid)}\n`, stderr: '' };
  const notes: string[] = [];
  if (data.timed_out === true) notes.push('the process timed out and was killed');
  if (data.truncated === true) notes.push(truncationNote(data));
  const whole = data.full_output as Data | undefined;
  if (whole && typeof whole.sha256 === 'string') {
    const partial = whole.whole === false ? ' (its first part: the host keeps at most that much)' : '';
    notes.push(`the whole stdout (${bytes(num(whole.size))}${partial}) is a file of this session with sha256 ${whole.sha256}: fetch it with RTR_GetExtractedFileContents`);
  } else if (typeof data.full_output_error === 'string') {
    notes.push(data.full_output_error);
  }
  if (data.exit_code === null && data.signal) notes.push(`the process was killed by ${str(data.signal)}`);
  else if (typeof data.exit_code === 'number' && data.exit_code !== 0) notes.push(`the process exited with code ${data.exit_code}`);
  const stderr = str(data.stderr) + (notes.length ? `${str(data.stderr) && !str(data.stderr).endsWith('\n') ? '\n' : ''}${notes.join('; ')}\n` : '');
  return { stdout: str(data.stdout), stderr };
}

/** Which stream was cut, where, and how much the program wrote (older agents say only that it was cut). */
function truncationNote(data: Data): string {
  const cut = (stream: 'stdout' | 'stderr') => {
    const total = data[`${stream}_bytes`];
    const kept = Buffer.byteLength(str(data[stream]));
    return typeof total === 'number' && total > kept ? `${stream} cut at ${bytes(kept)} of ${bytes(total)} written` : undefined;
  };
  const parts = [cut('stdout'), cut('stderr')].filter((p) => p !== undefined);
  return parts.length ? `output truncated by the host's cap: ${parts.join(', ')}` : 'output was truncated';
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}
