import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/program.js';

describe('the command table', () => {
  it('describes each command as the command itself does', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name()).toBe(entry.name);
      expect(command.description()).toBe(entry.summary);
    }
  });
});
