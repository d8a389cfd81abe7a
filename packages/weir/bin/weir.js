#!/usr/bin/env node
// The `weir` command: compiled JavaScript only, so start-up pays for no TypeScript loader. It runs the CLI bundle
// (a few chunks, see scripts/build.mjs), or dist/ when the bundle has not been built.
import { existsSync } from 'node:fs';

process.setSourceMapsEnabled(true);
const bundled = new URL('../bundle/cli__main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');
await main(process.argv);
