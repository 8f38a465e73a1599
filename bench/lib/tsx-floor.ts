// The least a command run through tsx costs: the loader, one TypeScript file, commander parsing.
import { Command } from 'commander';

new Command().name('floor').option('--x').parse(['node', 'floor']);
