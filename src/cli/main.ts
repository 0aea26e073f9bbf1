#!/usr/bin/env node
/**
 * The `statecap` bin: runs the command line (program.ts) on the process's own streams and exits
 * with its code. What only a real process does stays here: the heap growth flag and a closed pipe.
 */
import { run } from './program.js';
import { limitHeapGrowth } from './heap-growth.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `statecap ... | head` closes the pipe early: not an error of ours.
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
limitHeapGrowth();
process.exitCode = await run(process.argv);
