#!/usr/bin/env node
// The published entry point runs the compiled CLI (npm install builds dist/ through `prepare`).
import { runCli } from "../dist/src/cli/main.js";

process.exitCode = await runCli(process.argv.slice(2), process.env);
