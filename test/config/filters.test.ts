import { describe, expect, it } from 'vitest';
import { effectiveAgents, effectiveFlags } from '../../src/core/filters.js';
import { FLAG_NAMES } from '../../src/core/config-schema.js';
import { resolveStorage } from '../../src/index.js';

const G = ['planner', 'executor', 'analyzer'];
const P = ['executor', 'reviewer'];
const sorted = (set: ReadonlySet<string> | null) => (set === null ? null : [...set].sort());

describe('agent filters (SPEC §1.2)', () => {
  const rows: [mode: 'and' | 'override', global: string[] | null, own: string[] | null, expected: string[] | null][] = [
    ['and', null, null, null],
    ['and', null, P, ['executor', 'reviewer']],
    ['and', G, null, ['analyzer', 'executor', 'planner']],
    ['and', G, P, ['executor']],
    ['override', null, P, ['executor', 'reviewer']],
    ['override', G, P, ['executor', 'reviewer']],
    ['override', G, null, ['analyzer', 'executor', 'planner']],
    ['override', null, null, null],
  ];
  it.each(rows)('filter_mode %s with G=%j and P=%j gives %j', (mode, global, own, expected) => {
    expect(sorted(effectiveAgents(mode, global, own))).toEqual(expected);
  });

  it('treats [] as a set admitting nobody, distinct from null', () => {
    expect(sorted(effectiveAgents('and', [], null))).toEqual([]);
    expect(sorted(effectiveAgents('and', null, []))).toEqual([]);
    expect(sorted(effectiveAgents('and', G, []))).toEqual([]);
    expect(sorted(effectiveAgents('override', G, []))).toEqual([]);
    expect(sorted(effectiveAgents('override', [], null))).toEqual([]);
  });

  it('computes each provider of a manifest once at load', () => {
    const manifest = resolveStorage({
      agents: G,
      filter_mode: 'override',
      providers: [{ type: 'memory', agents: P }, { type: 'memory', name: 'all' }, { type: 'memory', name: 'none', agents: [] }],
    });
    expect(manifest.providers.map((p) => sorted(p.agents))).toEqual([['executor', 'reviewer'], ['analyzer', 'executor', 'planner'], []]);
  });
});

describe('logging flags (SPEC §1.3)', () => {
  const combos = [true, false, undefined].flatMap((global) => [true, false, undefined].map((own) => [global, own] as const));
  it.each(combos)('global %s AND provider %s', (global, own) => {
    for (const flag of FLAG_NAMES) {
      const flags = effectiveFlags({ [flag]: global }, { [flag]: own });
      expect(flags[flag]).toBe((global ?? true) && (own ?? true));
      for (const other of FLAG_NAMES.filter((f) => f !== flag)) expect(flags[other]).toBe(true);
    }
  });

  it('ANDs every flag of a manifest per provider', () => {
    const manifest = resolveStorage({
      log_tool_calls: false,
      providers: [{ type: 'memory', log_commands: false }, { type: 'memory', name: 'second', log_tool_calls: true }],
    });
    expect(manifest.providers[0]!.flags).toEqual({
      log_messages: true,
      log_conversations: true,
      log_tool_calls: false,
      log_commands: false,
      log_context: true,
      log_runs: true,
    });
    expect(manifest.providers[1]!.flags.log_tool_calls).toBe(false);
  });
});
