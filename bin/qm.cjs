#!/usr/bin/env node
// The qm command (docs/cli.md). In a checkout it runs the bundle dist/cli/qm.cjs, made
// (or remade) from cli/ first when it is missing or older than its sources. CommonJS, as
// the bundle is: started through Node's ES module loader, a command took 20 ms longer.
"use strict";
const path = require("node:path");
const { buildCli, cliBundle, cliIsStale } = require("../scripts/build-cli.cjs");

const root = path.resolve(__dirname, "..");
if (!cliIsStale(root)) require(cliBundle(root));
else
  buildCli(root).then(
    (bundle) => require(bundle),
    (error) => {
      process.stderr.write(`qm: cannot build ${cliBundle(root)}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
