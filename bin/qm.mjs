#!/usr/bin/env node
// The qm command (docs/cli.md). In a checkout it runs the bundle dist/cli/qm.mjs, made
// (or remade) from cli/ first when it is missing or older than its sources.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli, cliBundle, cliIsStale } from "../scripts/build-cli.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (cliIsStale(root)) await buildCli(root);
await import(pathToFileURL(cliBundle(root)).href);
