#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm run build`).
require('../dist/cli/main.js').runCli(process.argv.slice(2));
