#!/usr/bin/env node
// The `wbc` command. The core is TypeScript; tsx's loader runs it directly, so the CLI, the tests
// and the browser shell all run the very same source files.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/wbc.ts');
process.exitCode = await main(process.argv.slice(2));
