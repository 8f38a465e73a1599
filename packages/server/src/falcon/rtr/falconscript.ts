import { CommandLineError, type ParsedArgs } from './command-line.ts';
import { agentTranslation, type TranslateContext, type Translation } from './vocabulary.ts';

/** Falcon scripts: Falcon's default and ceiling for their run time, seconds. */
const TIMEOUT_S = 600;
const GRACE_MS = 15_000;

/**
 * `falconscript -Name=<script> -JsonInput='{"Key": value}'`: a built-in script of riposte's
 * Falcon-script catalog, for the host's platform, with its JSON input as arguments (PowerShell
 * scripts take `-Key value`; shell scripts take the values in the script's parameter order).
 */
export async function falconscript(p: ParsedArgs, ctx: TranslateContext): Promise<Translation> {
  const name = typeof p.options.Name === 'string' ? p.options.Name : '';
  if (!name) throw new CommandLineError('falconscript needs -Name=<Falcon script name> (RTR_ListFalconScripts lists them)');
  const script = await ctx.library.falconScript(name);
  if (!script) throw new CommandLineError(`no Falcon script named "${name.slice(0, 200)}"`);
  if (!script.platform.includes(ctx.platform)) throw new CommandLineError(`Falcon script "${script.name}" is for ${script.platform.join(', ')}, not ${ctx.platform}`);
  const input = jsonInput(p.options.JsonInput);
  for (const key of Object.keys(input)) {
    if (!script.parameters.includes(key)) {
      throw new CommandLineError(`Falcon script "${script.name}" takes ${script.parameters.length ? `only ${script.parameters.join(', ')}` : 'no input'}; not "${key.slice(0, 100)}"`);
    }
  }
  const args =
    ctx.platform === 'windows'
      ? Object.entries(input).flatMap(([k, v]) => [`-${k}`, String(v)])
      : script.parameters.map((k) => (input[k] === undefined ? '' : String(input[k])));
  while (args.length && args[args.length - 1] === '') args.pop();
  return agentTranslation('runscript', { script: script.content, args, timeout_ms: TIMEOUT_S * 1000 }, 'falcon-script', TIMEOUT_S * 1000 + GRACE_MS);
}

function jsonInput(raw: unknown): Record<string, string | number | boolean> {
  if (raw === undefined) return {};
  if (typeof raw !== 'string') throw new CommandLineError('-JsonInput needs a JSON object, e.g. -JsonInput=```{"Lines": 100}```');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new CommandLineError(`-JsonInput is not JSON: ${raw.slice(0, 100)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CommandLineError('-JsonInput must be a JSON object');
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw new CommandLineError(`-JsonInput "${k.slice(0, 100)}" must be a string, number or boolean`);
  }
  return value as Record<string, string | number | boolean>;
}
