import { Command } from 'commander';
import { HistorianError } from '../../core/errors.js';
import { parseMinDuration } from '../../core/time.js';
import { RUN_STATUSES, type RunStatus } from '../../core/run-queries.js';
import { renderRun, renderRuns, renderTraces } from '../render-runs.js';
import { countOption, optionsOf, pageOption, print, printPage, readingOptions, UsageError, withHistory, type ReadOptions } from '../shared.js';

/** Parses `--status`. */
export function statusOption(value: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  throw new UsageError(`invalid --status "${value}": expected ${RUN_STATUSES.join(', ')}`);
}

/** Parses `--min-duration`: milliseconds (`500`, `500ms`) or a duration (`2s`, `1m`, `1m30s`). */
export function minDurationOption(value: string): number {
  try {
    return parseMinDuration(value, '--min-duration');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function listCommand(): Command {
  return pageOption(readingOptions(
    new Command('list')
      .description('list runs, newest first, rebuilt from the run log')
      .option('--session <id>', "only this session's runs")
      .option('--agent <name>', "only this agent's runs")
      .option('--status <status>', 'running, completed or failed', statusOption)
      .option('--since <when>', 'runs started since a duration ago (30m, 2d) or an ISO date-time')
      .option('--until <when>', 'runs started until then')
      .option('--limit <n>', 'at most this many', countOption, 20)
      .option('--offset <n>', 'skip this many first', countOption, 0),
  ))
    .addHelpText('after', '\nExamples:\n  historian runs list --agent planner --status failed\n  historian runs list --session s1 --format json --page')
    .action(async (_options, command: Command) => {
      const o = optionsOf<ReadOptions & { session?: string; agent?: string; status?: RunStatus; since?: string; until?: string; limit: number; offset: number; page?: boolean }>(command);
      const query = { session: o.session, agent: o.agent, status: o.status, since: o.since, until: o.until, limit: o.limit, offset: o.offset };
      if (o.page) return printPage(o, await withHistory(o, o.provider, (h) => h.runsPage(query)), renderRuns);
      print(o.format, await withHistory(o, o.provider, (h) => h.runs(query)), renderRuns);
    });
}

function showCommand(): Command {
  return readingOptions(
    new Command('show')
      .description('show one run (status, response, error, duration, tokens, cost); text output adds its steps')
      .argument('<run_id>', 'the run to show'),
  )
    .addHelpText('after', '\nExamples:\n  historian runs show r-42\n  historian runs show r-42 --format json')
    .action(async (runId: string, _options, command: Command) => {
      const o = optionsOf<ReadOptions>(command);
      const found = await withHistory(o, o.provider, async (history) => {
        const run = await history.run(runId);
        return run && { run, steps: o.format === 'text' ? await history.steps({ run: runId }) : [] };
      });
      if (!found) throw new HistorianError(`no run "${runId}" found`);
      print(o.format, found.run, () => renderRun(found));
    });
}

/** `historian runs list|show`. */
export function runsCommand(): Command {
  return new Command('runs')
    .description('read the run log (docs/runs.md): runs rebuilt from their facts')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addHelpText('after', '\nExamples:\n  historian runs list --since 1d\n  historian runs show r-42 --format json');
}

/** `historian traces`: a trace per run with its LLM and tool call spans. */
export function tracesCommand(): Command {
  return pageOption(readingOptions(
    new Command('traces')
      .description('list traces, newest first: a trace per run with its LLM and tool call spans')
      .option('--agent <name>', "only this agent's runs")
      .option('--session <id>', "only this session's runs")
      .option('--since <when>', 'runs started since a duration ago (30m, 2d) or an ISO date-time')
      .option('--until <when>', 'runs started until then')
      .option('--status <status>', 'running, completed or failed', statusOption)
      .option('--min-duration <duration>', 'only runs that took at least this long (500ms, 2s, 1m)', minDurationOption)
      .option('--limit <n>', 'at most this many', countOption, 20)
      .option('--offset <n>', 'skip this many first', countOption, 0),
  ))
    .addHelpText('after', '\nExamples:\n  historian traces --agent planner --since 1d\n  historian traces --status completed --min-duration 30s --format json --page')
    .action(async (_options, command: Command) => {
      const o = optionsOf<
        ReadOptions & { agent?: string; session?: string; since?: string; until?: string; status?: RunStatus; minDuration?: number; limit: number; offset: number; page?: boolean }
      >(command);
      const query = { agent: o.agent, session: o.session, since: o.since, until: o.until, status: o.status, min_duration_ms: o.minDuration, limit: o.limit, offset: o.offset };
      if (o.page) return printPage(o, await withHistory(o, o.provider, (h) => h.tracesPage(query)), renderTraces);
      print(o.format, await withHistory(o, o.provider, (h) => h.traces(query)), renderTraces);
    });
}
