// A tiny script interpreter for runscript (and `powershell -Command`, `sh -c`): enough for tests.
// Understood: echo / Write-Output / Write-Host / printf (stdout), Write-Error and `echo … >&2`
// (stderr), `exit N`, and sleeps (sleep N, Start-Sleep [-Seconds|-Milliseconds] N, timeout /t N),
// which advance a virtual clock the caller then really waits out. Anything else is ignored.

export interface ScriptResult {
  exit_code: number | null;
  stdout: string;
  stderr: string;
  timed_out: boolean;
  /** How long the script "ran"; the executor waits this long before answering. */
  elapsed_ms: number;
}

export function interpretScript(script: string, windows: boolean, timeoutMs: number): ScriptResult {
  const eol = windows ? '\r\n' : '\n';
  const result: ScriptResult = { exit_code: 0, stdout: '', stderr: '', timed_out: false, elapsed_ms: 0 };
  for (const statement of statements(script)) {
    if (statement === '' || statement.startsWith('#') || /^(rem\b|::|@?echo off$)/i.test(statement)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^exit(?:\s+(-?\d+))?$/i.exec(statement))) {
      result.exit_code = m[1] === undefined ? 0 : Number(m[1]) & 0xff;
      return result;
    }
    if ((m = /^write-error\s+(.*)$/i.exec(statement))) {
      result.stderr += unquote(m[1]) + eol;
    } else if ((m = /^(?:echo|write-output|write-host|printf)(?:\s+(.*))?$/i.exec(statement))) {
      const text = m[1] ?? '';
      if (/\s*>&2$/.test(text)) result.stderr += unquote(text.replace(/\s*>&2$/, '')) + eol;
      else result.stdout += unquote(text) + eol;
    } else {
      const ms = sleepMs(statement);
      if (ms === null) continue;
      if (result.elapsed_ms + ms > timeoutMs) {
        result.elapsed_ms = timeoutMs;
        result.timed_out = true;
        result.exit_code = null;
        return result;
      }
      result.elapsed_ms += ms;
    }
  }
  return result;
}

function sleepMs(statement: string): number | null {
  const s = /^(?:sleep|start-sleep(?:\s+-s(?:econds)?)?|timeout(?:\.exe)?\s+\/t)\s+(\d+(?:\.\d+)?)(?:\s+\/nobreak)?$/i.exec(statement);
  if (s) return Math.round(Number(s[1]) * 1000);
  const ms = /^start-sleep\s+-m(?:illiseconds)?\s+(\d+)$/i.exec(statement);
  return ms ? Number(ms[1]) : null;
}

/** Lines, further split on `;` outside quotes. */
function statements(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split(/\r?\n/)) {
    let current = '';
    let quote = '';
    for (const ch of line) {
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === ';') {
        out.push(current.trim());
        current = '';
        continue;
      }
      current += ch;
    }
    out.push(current.trim());
  }
  return out;
}

/** Strips one pair of matching outer quotes. */
function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0] ? t.slice(1, -1) : t;
}
