#!/usr/bin/env node
// The installed `evh` command (npx evh, npm install -g ./packages/cli): a committed, executable
// file, since the compiled one is made by the build after npm has linked the bin.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('evh: not built yet: run `npm run build` (or `make build`) in the checkout\n');
  process.exit(1);
}
await import(main.href);
