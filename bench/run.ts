// `npm run bench -- [name…]`: run benchmarks; each prints ratios against a baseline measured in the same run.
import { benchApi } from './api.ts';
import { benchPolicies } from './policies.ts';
import { benchAgent } from './agent.ts';
import { benchRtr } from './rtr.ts';
import { benchSoak } from './soak.ts';
import { benchCarbonBlack } from './carbonblack.ts';
import { benchIdentity } from './identity.ts';
import { benchCli } from './cli.ts';
import { benchCliStartup } from './cli-startup.ts';
import { benchConsole } from './console.ts';

const benches: Record<string, () => Promise<boolean>> = {
  api: benchApi,
  policies: benchPolicies,
  agent: benchAgent,
  rtr: benchRtr,
  soak: benchSoak,
  carbonblack: benchCarbonBlack,
  identity: benchIdentity,
  cli: benchCli,
  'cli-startup': benchCliStartup,
  console: benchConsole,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// The soak runs for half an hour: only when asked for by name.
const chosen = names.length ? names : Object.keys(benches).filter((n) => n !== 'soak');
let allPass = true;
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  allPass = (await bench()) && allPass;
}
console.log(allPass ? '\nall benchmark targets met' : '\nsome benchmark targets were missed');
