// Placeholder until the command lands; it says so instead of pretending to work.
export const summary = '(not implemented yet)';

export async function run(_args: string[]): Promise<number> {
  console.error('faultline sim: not implemented yet');
  return 2;
}
