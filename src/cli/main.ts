#!/usr/bin/env node
// The `historian` executable: runs the program and sets the exit code (SPEC §6).
import { main } from './program.js';

process.exitCode = await main();
