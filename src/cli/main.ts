#!/usr/bin/env node
// The `historian` executable: runs the program and sets the exit code.
import { main, reportUncaught } from './program.js';
import { watchOutput } from './output.js';

process.on('uncaughtException', reportUncaught);
process.on('unhandledRejection', reportUncaught);
watchOutput();
process.exitCode = await main();
