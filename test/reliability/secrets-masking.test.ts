import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maskUrl } from '../../src/providers/sql/url.js';
import { parseManifest } from '../../src/config/load.js';
import { ManifestError, ProviderError } from '../../src/core/errors.js';
import { runCli } from '../cli/run.js';
import { tempFolder } from './helpers.js';

const { dir, remove } = tempFolder('secrets');
afterAll(remove);

/** The message of what `work` throws. */
function thrown(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

function sqlManifest(url: string): string {
  return `storage:\n  providers:\n    - type: sql\n      url: ${JSON.stringify(url)}\n`;
}

describe('database URLs in messages', () => {
  it.each([
    ['a ?password= query parameter', 'postgresql://app@db.example:5432/h?sslmode=require&password=hunter2', 'postgresql://app@db.example:5432/h?sslmode=require&password=***'],
    ['an sslpassword parameter', 'postgres://db.example/h?sslpassword=hunter2', 'postgres://db.example/h?sslpassword=***'],
    ['a password with a space', 'postgresql://app:hun ter2@db.example/h', 'postgresql://app:***@db.example/h'],
    ['a password with a raw @ and /', 'postgresql://app:hun@t/er2@db.example/h', 'postgresql://app:***@db.example/h'],
    ['a malformed scheme', 'postgresql//app:hunter2@db.example/h', 'postgresql//app:***@db.example/h'],
    ['a MySQL password', 'mysql://app:hunter2@db.example:3306/h', 'mysql://app:***@db.example:3306/h'],
    ['a MariaDB password with a raw @', 'mariadb://app:hun@ter2@db.example/h', 'mariadb://app:***@db.example/h'],
    ['a MySQL ?password= parameter', 'mysql://app@db.example/h?ssl=true&password=hunter2', 'mysql://app@db.example/h?ssl=true&password=***'],
    ['a key=value DSN', "host=db.example password='hun ter2' user=app", 'host=db.example password=*** user=app'],
  ])('maskUrl hides %s', (_what, url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it.each([
    ['postgresql//app:hunter2@db.example/h'],
    ['host=db.example password=hunter2 dbname=h'],
    ['postgres:/app:hunter2@db.example/h'],
    ['mysql//app:hunter2@db.example/h'],
    ['mariadb:/app:hunter2@db.example/h'],
  ])('a manifest error quoting %s shows no password', (url) => {
    const message = thrown(() => parseManifest(sqlManifest(url)));
    expect(message).toContain('storage.providers[0].url: ');
    expect(message).not.toContain('hunter2');
  });

  it('validate prints no password, as text or JSON', async () => {
    for (const [name, url] of [
      ['query.yml', 'postgresql://app@127.0.0.1:1/h?password=hunter2'],
      ['space.yml', 'postgresql://app:hun ter2@127.0.0.1:1/h'],
    ] as const) {
      writeFileSync(join(dir, name), sqlManifest(url));
      const text = await runCli(['validate', '-c', join(dir, name)]);
      const json = await runCli(['validate', '--format', 'json', '-c', join(dir, name)]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout + json.stdout).not.toMatch(/hunter2|hun ter2/);
      expect(text.stdout).toContain('127.0.0.1:1/h');
    }
  });
});

describe('${VAR} values in manifest errors', () => {
  it('shows ${API_KEY} instead of the value it took from the environment', () => {
    const env = { API_KEY: 'sk-live-4f9a8b7c6d5e4f3a2b1c' };
    const yaml = 'storage:\n  default_provider: "${API_KEY}"\n  providers:\n    - type: memory\n';
    const message = thrown(() => parseManifest(yaml, { env }));
    expect(message).toContain('default_provider "${API_KEY}" names no configured provider');
    expect(message).not.toContain('4f9a8b7c6d5e4f3a2b1c');
  });

  it('keeps values of ordinary variables, which help find the mistake', () => {
    const yaml = 'storage:\n  default_provider: "${READER}"\n  providers:\n    - type: memory\n';
    expect(thrown(() => parseManifest(yaml, { env: { READER: 'archive' } }))).toContain('default_provider "archive"');
  });

  it('masks every issue of a ManifestError, however it was built', () => {
    const error = new ManifestError([{ file: 'a.yml', path: 'storage', message: 'bad value "ghp_abcdefghijklmnopqrstuvwxyz0123456789"' }]);
    expect(error.message).not.toContain('abcdefghijklmnop');
    expect(error.issues[0]!.message).toContain('ghp_***');
  });
});

describe('ProviderError messages', () => {
  it.each([
    ['an OpenAI-style key', 'rejected key sk-proj-Zx8vQ2mN4bL6kJ9hG3fD1sA7', 'sk-proj-Zx8vQ2mN4bL6kJ9hG3fD1sA7'],
    ['an Anthropic key', 'rejected sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'AbCdEfGhIjKlMnOpQrStUv'],
    ['a GitHub token', 'push failed with github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv', '0123456789_abcdefghijklmnopqrstuv'],
    ['a Slack token', 'webhook xoxb-123456789012-abcdefghijklmnop refused', 'abcdefghijklmnop'],
    ['an AWS access key id', 'S3 denied AKIAIOSFODNN7EXAMPLE', 'IOSFODNN7EXAMPLE'],
    ['a bearer token', 'sent Authorization: Bearer abc.def-ghi_jklmnop', 'abc.def-ghi_jklmnop'],
    ['a JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired', 'dozjgNryP4J3jVmNHl0w5N'],
    ['key=value secrets', 'dsn host=db password=hunter2 token=abc123def api_key=k-998877 secret=s3cr3t', 'hunter2'],
    ['a URL password', 'cannot open postgresql://app:hunter2@db/h: timeout', 'hunter2'],
  ])('hide %s', (_what, message, secret) => {
    const error = new ProviderError(message, 'sql');
    expect(error.message.startsWith('sql: ')).toBe(true);
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain('***');
  });

  it('keep ordinary messages as they are', () => {
    const message = 'cannot open sqlite:////var/lib/h.db: SQLITE_CANTOPEN (token count 12, key "name")';
    expect(new ProviderError(message, 'sql').message).toBe(`sql: ${message}`);
  });
});
