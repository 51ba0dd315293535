// Loaded with `node --import ./rss-probe.mjs`: prints the process's peak resident memory at exit.
process.on('exit', () => process.stderr.write(`\nhistorian-bench-rss ${process.resourceUsage().maxRSS * 1024}\n`));
