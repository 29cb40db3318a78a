/**
 * `faultline <command>`: dispatches to core/cli/commands/<command>.ts. Each command module
 * exports `run(args)` resolving to the process exit code and a one-line `summary`.
 * Exit codes across commands (DESIGN.md): 0 all checks passed, 1 a violation was found,
 * 2 unusable arguments or input, 3 a checker ran out of time.
 */
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  check: () => import('./commands/check'),
  sim: () => import('./commands/sim'),
  serve: () => import('./commands/serve'),
  up: () => import('./commands/up'),
  run: () => import('./commands/run'),
  bench: () => import('./commands/bench'),
};

async function usage(): Promise<string> {
  const lines = ['usage: faultline <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    let summary: string;
    try {
      summary = (await load()).summary;
    } catch {
      summary = '(not available in this build)';
    }
    lines.push(`  ${name.padEnd(8)} ${summary}`);
  }
  lines.push('', 'Run `faultline <command> --help` for its options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`faultline: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
