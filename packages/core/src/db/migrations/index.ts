import type { Migration } from 'kysely';
import type { MigrationContext } from './context.ts';
import { foundation } from './0001_foundation.ts';
import { commands } from './0002_commands.ts';
import { transfers } from './0003_transfers.ts';
import { rtr } from './0004_rtr.ts';
import { rtrLibrary } from './0005_rtr_library.ts';
import { policies } from './0006_policies.ts';
import { commandLookups } from './0007_command_lookups.ts';
import { rtrFanouts } from './0008_rtr_fanouts.ts';
import { openCommandIndexes } from './0009_open_command_indexes.ts';
import { openCommandsById } from './0010_open_commands_by_id.ts';
import { hostFacts } from './0011_host_facts.ts';
import { enrollmentControl } from './0012_enrollment_control.ts';
import { carbonBlack } from './0013_carbonblack.ts';
import { identity } from './0014_identity.ts';
import { consoleUsers } from './0015_console_users.ts';
import { hostDirectory } from './0016_host_directory.ts';

/** Numbered migrations, applied in name order. Append; never edit one that has shipped. */
export function migrations(ctx: MigrationContext): Record<string, Migration> {
  return {
    '0001_foundation': foundation(ctx),
    '0002_commands': commands(),
    '0003_transfers': transfers(ctx),
    '0004_rtr': rtr(ctx),
    '0005_rtr_library': rtrLibrary(ctx),
    '0006_policies': policies(ctx),
    '0007_command_lookups': commandLookups(),
    '0008_rtr_fanouts': rtrFanouts(),
    '0009_open_command_indexes': openCommandIndexes(),
    '0010_open_commands_by_id': openCommandsById(),
    '0011_host_facts': hostFacts(),
    '0012_enrollment_control': enrollmentControl(),
    '0013_carbonblack': carbonBlack(ctx),
    '0014_identity': identity(),
    '0015_console_users': consoleUsers(),
    '0016_host_directory': hostDirectory(),
  };
}
