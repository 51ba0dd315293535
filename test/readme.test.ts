import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli/run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'historian-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The code blocks of the README in one language. */
function blocks(language: string): string[] {
  return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

describe('README', () => {
  it('opens with the quick-start commands: the demo, the tests, the console', () => {
    const [quickStart] = blocks('sh');
    const commands = quickStart!.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci && npx historian demo', 'npm test', 'npx historian -c examples/demo.yml serve --open']);
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
  });

  it('shows a manifest that validates', async () => {
    const [manifest] = blocks('yaml');
    writeFileSync(join(dir, 'agents.yml'), manifest!);
    const { code, stdout, stderr } = await runCli(['validate'], { cwd: dir });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('agents.yml: valid — 3 providers, filter_mode and, history read from "sql"');
  });

  it('shows library code that runs against that manifest', async () => {
    const [code] = blocks('ts');
    // Inside the package, so that `import … from 'historian'` resolves to this package itself.
    const script = join(root, `.readme-snippet-${process.pid}.mjs`);
    writeFileSync(script, `${code}\nconsole.log(JSON.stringify({ recent: recent.length, groups: stats.groups.length }));\n`);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: dir });
      expect(JSON.parse(stdout)).toEqual({ recent: 1, groups: 2 });
    } finally {
      rmSync(script, { force: true });
    }
  });

  it('lists every command of the CLI, and each has --help with examples', async () => {
    const help = (await runCli(['--help'])).stdout;
    const section = help.slice(help.indexOf('Commands:'), help.indexOf('\n\n', help.indexOf('Commands:')));
    const commands = [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(8);
    for (const command of commands) expect(readme, `README mentions historian ${command}`).toContain(`historian ${command}`);
    // One process per command, all at once: a dozen node startups in a row took over 30 s on a loaded machine.
    const helps = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    helps.forEach(({ code, stdout }, i) => {
      expect(code, `${commands[i]} --help`).toBe(0);
      expect(stdout, `${commands[i]} --help`).toContain('Examples:');
    });
  }, 120_000);
});
