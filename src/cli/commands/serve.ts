import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { parseDuration } from '../../core/time.js';
import { watchSignals } from '../../dispatch/signals.js';
import { startConsole, type HistorySource } from '../../serve/server.js';
import { diagnostic, writeOut } from '../output.js';
import { countOption, openProvider, optionsOf, readingFrom, UsageError, withProvider, type GlobalOptions } from '../shared.js';
import type { Manifest } from '../../config/load.js';

interface ServeOptions extends GlobalOptions {
  port: number;
  host: string;
  token?: string;
  open?: boolean;
  follow?: boolean;
  interval: string;
  provider?: string;
}

/**
 * The history the console reads: the provider kept open when it sees other processes' writes (a
 * database, a JSON Lines file), else opened afresh for each request, as a document answers from
 * what it read when opened.
 */
async function sourceOf(manifest: Manifest, provider: Manifest['providers'][number]): Promise<{ source: HistorySource; close(): Promise<void> }> {
  const kept = await openProvider(manifest, provider);
  if (kept.history.feed || provider.config.type === 'memory') {
    return { source: { reopens: false, use: (work) => work(kept.history) }, close: () => kept.close() };
  }
  await kept.close();
  return { source: { reopens: true, use: (work) => withProvider(manifest, provider, work) }, close: async () => {} };
}

/** Opens `url` in the desktop's browser; says so when it cannot. */
function openBrowser(url: string): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  const child = spawn(command!, args, { stdio: 'ignore', detached: true });
  child.on('error', () => diagnostic(`could not open a browser (${command} failed): open ${url} yourself`));
  child.unref();
}

function portOption(value: string): number {
  const port = countOption(value);
  if (port > 65_535) throw new UsageError(`invalid --port ${value}: expected 0 to 65535`);
  return port;
}

/** `historian serve`: the web console over the reading provider. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve a local web console (and its JSON API) over the reading provider: conversations, runs, traces, sessions and cost')
    .option('--port <port>', 'port to listen on (0: any free port)', portOption, 4319)
    .option('--host <host>', 'address to bind; anything but loopback needs a token', '127.0.0.1')
    .option('--token <token>', 'require this token of every request (default: $HISTORIAN_TOKEN)')
    .option('--open', 'open the console in the browser')
    .option('-f, --follow', 'push new entries to open pages as they are written (server-sent events)')
    .option('--interval <duration>', 'how often to look for new entries with --follow', '1s')
    .option('--provider <name>', 'read from this provider (name or type) instead of the default')
    .addHelpText('after', '\nExamples:\n  historian serve --open\n  historian -c examples/demo.yml serve --follow\n  HISTORIAN_TOKEN=s3cret historian serve --host 0.0.0.0 --port 8080')
    .action(async (_options, command: Command) => {
      const o = optionsOf<ServeOptions>(command);
      const token = o.token ?? (process.env.HISTORIAN_TOKEN || undefined);
      const every = parseDuration(o.interval);
      const { manifest, provider: reading } = readingFrom(o, o.provider);
      const reader = await sourceOf(manifest, reading);
      const signals = watchSignals();
      try {
        const running = await startConsole({ source: reader.source, host: o.host, port: o.port, token, follow: o.follow ? every : undefined });
        const provider = await reader.source.use(async (h) => h.provider);
        writeOut(`historian console on ${running.url} (reading provider "${provider}"${o.follow ? ', following new entries' : ''}${token ? ', token required' : ''}); Ctrl-C to stop\n`);
        if (o.open) openBrowser(token ? `${running.url}?token=${encodeURIComponent(token)}` : running.url);
        await signals.first;
        await running.close();
      } finally {
        signals.remove();
        await reader.close();
      }
    });
}
