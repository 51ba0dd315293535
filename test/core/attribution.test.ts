import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentAttribution } from '../../src/core/attribution.js';
import type { Entry } from '../../src/index.js';

const at = '2026-11-29T10:00:00.000Z';
const start = (conversation_id: string, agent_name: string) => ({ type: 'conversation_start', id: `s-${conversation_id}`, seq: 0, timestamp: at, conversation_id, agent_name }) as Entry;
const say = (conversation_id: string) => ({ type: 'message', id: `m-${conversation_id}`, seq: 0, timestamp: at, conversation_id, role: 'user', content: 'x' }) as Entry;

describe('agent attribution', () => {
  it('forgets the least recently used conversation, not the earliest started', () => {
    const attribution = new AgentAttribution(2);
    attribution.agentOf(start('a', 'alpha'));
    attribution.agentOf(start('b', 'beta'));
    expect(attribution.agentOf(say('a'))).toBe('alpha');
    attribution.agentOf(start('c', 'gamma'));
    expect(attribution.agentOf(say('a'))).toBe('alpha');
    expect(attribution.agentOf(say('b'))).toBeNull();
    expect(attribution.agentOf(say('c'))).toBe('gamma');
  });

  it('takes the last conversation_start of a conversation', () => {
    const attribution = new AgentAttribution();
    attribution.agentOf(start('a', 'alpha'));
    attribution.agentOf(start('a', 'omega'));
    expect(attribution.agentOf(say('a'))).toBe('omega');
  });

  it('remembers exactly what a least-recently-used map of its capacity would', () => {
    const step = fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.constantFrom('x', 'y'));
    fc.assert(
      fc.property(fc.nat({ max: 4 }), fc.array(step, { maxLength: 60 }), (capacity, steps) => {
        const attribution = new AgentAttribution(capacity);
        const reference = new Map<string, string>();
        for (const [starts, conversation, agent] of steps) {
          if (starts) {
            expect(attribution.agentOf(start(conversation, agent))).toBe(agent);
            reference.delete(conversation);
            reference.set(conversation, agent);
            if (reference.size > capacity) reference.delete(reference.keys().next().value!);
          } else {
            const known = reference.get(conversation);
            if (known !== undefined) {
              reference.delete(conversation);
              reference.set(conversation, known);
            }
            expect(attribution.agentOf(say(conversation))).toBe(known ?? null);
          }
        }
      }),
    );
  });
});
