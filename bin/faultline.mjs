#!/usr/bin/env node
// The `faultline` command. It runs the TypeScript sources directly through tsx, so
// `npx faultline ...` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
