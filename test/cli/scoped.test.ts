import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, demoHistory, runCli } from './run.js';

const { manifest, cli } = demoHistory('historian-scoped-');
const idsOf = (jsonLines: string) => jsonLines.trim().split('\n').map((line) => (JSON.parse(line) as { id: string; type: string }).type === 'conversation_start' ? 'start' : (JSON.parse(line) as { id: string }).id);

describe('export --to - and --agent / --session', () => {
  for (const provider of ['sql', 'archive']) {
    it(`writes one agent's entries to standard output as JSON Lines (${provider})`, async () => {
      const { code, stdout, stderr } = await cli('export', '--to', '-', '--agent', 'planner', '--provider', provider);
      expect(code, stderr).toBe(0);
      expect(idsOf(stdout)).toEqual(['start', 'demo-x1', 'demo-m1', 'demo-m2', 'demo-t1', 'demo-k1']);
      expect(stderr).toBe(`historian: exported 6 entries from ${provider} to standard output (jsonl)\n`);
    });
  }

  it("writes one session's entries in another format with --format", async () => {
    const { code, stdout } = await cli('export', '--to', '-', '--session', 'release-2.1', '--format', 'yaml');
    expect(code).toBe(0);
    expect(stdout.match(/command: /g)).toHaveLength(4);
    expect(stdout).not.toContain('Plan the v2.1 release');
  });
});

describe('tail --agent / --session', () => {
  it("prints one agent's or one session's recent entries", async () => {
    const agent = await cli('tail', '--since', '1h', '--agent', 'analyzer', '--format', 'json');
    expect(idsOf(agent.stdout)).toEqual(['start', 'demo-x2', 'demo-m6', 'demo-m7', 'demo-t4', 'demo-k4']);
    const session = await cli('tail', '--since', '1h', '--session', 'release-2.1');
    expect(session.stdout.trim().split('\n').map((line) => line.split('ran: ')[1])).toEqual(['handoff executor', 'npm run build', 'npm test', 'report fix']);
  });

  it("with -f follows only that agent's new entries", async () => {
    const child = spawn(process.execPath, [CLI, 'tail', '-f', '--agent', 'executor', '--since', '1h', '--interval', '1s', '--format', 'json', '-c', manifest], { env: { ...process.env, NO_COLOR: '1' } });
    let seen = '';
    child.stdout.on('data', (chunk) => (seen += chunk));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 150 && !seen.includes(text); i++) await new Promise((done) => setTimeout(done, 100));
      return seen.includes(text);
    };
    try {
      expect(await waitFor('demo-m5')).toBe(true);
      const line = (id: string, conversation: string) => JSON.stringify({ type: 'message', id, conversation_id: conversation, role: 'user', content: id });
      await runCli(['ingest', '-', '-c', manifest], { input: `${line('late-plan', 'demo-plan')}\n${line('late-exec', 'demo-exec')}\n` });
      expect(await waitFor('late-exec')).toBe(true);
      expect(seen).not.toContain('late-plan');
      expect(seen).not.toContain('demo-m1');
    } finally {
      child.kill();
    }
  });
});
