/** The "Examples:" block that ends each command's --help: commands that run as shown from a checkout. */
import type { Command } from 'commander';

export function examples(cmd: Command, list: readonly (readonly [string, string])[]): Command {
  const width = Math.max(...list.map(([command]) => command.length));
  const lines = list.map(([command, what]) => (command.length + what.length > 72
    ? `  $ ${command}\n      ${what}` : `  $ ${command.padEnd(width)}   # ${what}`));
  return cmd.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n`);
}
