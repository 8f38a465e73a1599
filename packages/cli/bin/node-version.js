// The oldest Node.js riposte runs on: zlib.crc32 (zip archives) arrived in 20.15.
// Plain JavaScript, checked before the TypeScript loader starts, so an old Node gets a clear
// message rather than a failure deep inside a command.
export const MINIMUM_NODE = '20.15.0';

/** A message saying why `version` (e.g. "v20.11.1") is too old, or undefined when it will do. */
export function nodeVersionProblem(version) {
  const parse = (v) => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const have = parse(version);
  const need = parse(MINIMUM_NODE);
  for (let i = 0; i < 3; i++) {
    if (have[i] > need[i]) return undefined;
    if (have[i] < need[i]) {
      return `riposte needs Node.js ${MINIMUM_NODE} or later; this is Node.js ${version.replace(/^v/, '')}. Install a current Node.js 20 or 22 LTS.`;
    }
  }
  return undefined;
}
