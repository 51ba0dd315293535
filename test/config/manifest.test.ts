import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, parseManifest, resolveStorage } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as ManifestError).message.split('\n');
  }
  throw new Error('expected a ManifestError');
}

describe('loading a manifest', () => {
  it('reads only storage: and ignores the other top-level keys', () => {
    const manifest = parseManifest('agents:\n  planner: {model: x}\nteams: []\nstorage:\n  providers:\n    - type: memory\n');
    expect(manifest.providers.map((p) => p.label)).toEqual(['memory']);
  });

  it('defaults to one SQLite provider under XDG_DATA_HOME without storage:', () => {
    const manifest = parseManifest('agents: {}\n', { env: { XDG_DATA_HOME: '/data' } });
    expect(manifest.providers).toHaveLength(1);
    expect(manifest.providers[0]!.config).toMatchObject({ type: 'sql', url: 'sqlite:////data/historian/history.db', pool_size: 5, auto_migration: true });
  });

  it('lets HISTORIAN_DB_URL override the default database', () => {
    const manifest = parseManifest('storage: {}\n', { env: { HISTORIAN_DB_URL: 'postgresql://u:p@db:5432/h' } });
    expect(manifest.providers[0]!.config).toMatchObject({ type: 'sql', url: 'postgresql://u:p@db:5432/h' });
  });

  it('turns logging off with providers: []', () => {
    expect(parseManifest('storage:\n  providers: []\n').providers).toEqual([]);
  });

  it('fills in every default of SPEC §1.1', () => {
    const manifest = parseManifest('storage:\n  providers:\n    - {type: text_file, path: a.log}\n    - {type: file, path: b.json}\n', { baseDir: '/base' });
    expect(manifest.storage).toMatchObject({ filter_mode: 'and' });
    expect(manifest.defaultProvider).toBeNull();
    expect(manifest.providers[0]!.config).toEqual({ type: 'text_file', path: '/base/a.log', format: 'chronological', template: null, encoding: 'utf-8' });
    expect(manifest.providers[1]!.config).toEqual({ type: 'file', path: '/base/b.json', format: 'auto', encoding: 'utf-8' });
  });

  it("resolves relative paths and SQLite URLs against the manifest's folder", () => {
    const path = write(
      'paths.yml',
      'storage:\n  providers:\n    - {type: sql, url: "sqlite:///data/h.db"}\n    - {type: sql, name: abs, url: "sqlite:////var/h.db"}\n    - {type: text_file, path: logs/chat.log, template: t/custom.j2}\n',
    );
    const [rel, abs, text] = loadManifest(path).providers;
    expect(rel!.config).toMatchObject({ url: `sqlite:///${join(dir, 'data/h.db')}` });
    expect(abs!.config).toMatchObject({ url: 'sqlite:////var/h.db' });
    expect(text!.config).toMatchObject({ path: join(dir, 'logs/chat.log'), template: join(dir, 't/custom.j2') });
  });

  it('interpolates ${VAR} and ${VAR:-default} from the environment', () => {
    const manifest = parseManifest('storage:\n  providers:\n    - {type: file, path: "${DIR}/h-${SUFFIX:-main}.json"}\n', {
      env: { DIR: '/srv' },
    });
    expect(manifest.providers[0]!.config).toMatchObject({ path: '/srv/h-main.json' });
  });

  it('accepts a storage block built in code', () => {
    const manifest = resolveStorage({ providers: [{ type: 'memory', name: 'm' }], default_provider: 'm' });
    expect(manifest.file).toBe('<object>');
    expect(manifest.defaultProvider).toBe('m');
  });

  it('labels unnamed providers of one type apart', () => {
    const manifest = resolveStorage({ providers: [{ type: 'memory' }, { type: 'memory' }] });
    expect(manifest.providers.map((p) => p.label)).toEqual(['memory', 'memory#2']);
  });
});

describe('bad manifests (SPEC §1.5)', () => {
  it('names file, YAML path, line and column of a wrong type', () => {
    const path = write('type.yml', 'storage:\n  providers:\n    - type: sql\n      pool_size: "five"\n');
    expect(problems(() => loadManifest(path))).toEqual([`${path}:4:18: storage.providers[0].pool_size: expected number, received string`]);
  });

  it('rejects an unknown key with a did-you-mean hint', () => {
    const path = write('typo.yml', 'storage:\n  log_mesages: false\n  providers:\n    - type: sql\n      urll: "sqlite:///x.db"\n');
    expect(problems(() => loadManifest(path))).toEqual([
      `${path}:2:3: storage.log_mesages: unknown key "log_mesages" (did you mean "log_messages"?)`,
      `${path}:5:7: storage.providers[0].urll: unknown key "urll" (did you mean "url"?)`,
    ]);
  });

  it('reports a missing path', () => {
    const path = write('path.yml', 'storage:\n  providers:\n    - type: file\n      format: json\n');
    expect(problems(() => loadManifest(path))).toEqual([`${path}:3:7: storage.providers[0].path: required key "path" is missing (expected string)`]);
  });

  it('rejects an unsupported URL scheme, listing the supported ones, without the password', () => {
    const path = write('url.yml', 'storage:\n  providers:\n    - type: sql\n      url: "mssql://admin:hunter2@db/h"\n');
    const [line] = problems(() => loadManifest(path));
    expect(line).toMatch(new RegExp(`^${path}:4:12: storage.providers\\[0\\].url: unsupported database URL "mssql://admin:\\*\\*\\*@db/h"; expected one of sqlite:///`));
    expect(line).toContain('postgresql://');
    expect(line).toContain('mysql://');
    expect(line).toContain('mariadb://');
    expect(line).toContain('pglite://memory');
    expect(line).not.toContain('hunter2');
  });

  it('rejects a default_provider that names no provider', () => {
    const path = write('default.yml', 'storage:\n  providers:\n    - {type: memory, name: mem}\n  default_provider: sqll\n');
    expect(problems(() => loadManifest(path))).toEqual([
      `${path}:4:21: storage.default_provider: default_provider "sqll" names no configured provider (configured: mem)`,
    ]);
  });

  it('rejects duplicate provider names', () => {
    const path = write('dup.yml', 'storage:\n  providers:\n    - {type: memory, name: main}\n    - {type: file, name: main, path: h.json}\n');
    expect(problems(() => loadManifest(path))).toEqual([
      `${path}:4:26: storage.providers[1].name: duplicate provider name "main" (already used by storage.providers[0])`,
    ]);
  });

  it('names an unset ${VAR} without a default', () => {
    const path = write('env.yml', 'storage:\n  providers:\n    - type: sql\n      url: "${HISTORIAN_TEST_SURELY_UNSET}"\n');
    expect(problems(() => loadManifest(path, { env: {} }))).toEqual([
      `${path}:4:12: storage.providers[0].url: environment variable HISTORIAN_TEST_SURELY_UNSET is not set (use \${HISTORIAN_TEST_SURELY_UNSET:-default} for a fallback)`,
    ]);
  });

  it('rejects an unknown provider type', () => {
    expect(problems(() => parseManifest('storage:\n  providers:\n    - type: mongo\n'))).toEqual([
      '<string>:3:13: storage.providers[0].type: unknown or missing provider type; expected type: sql, text_file, file or memory',
    ]);
  });

  it('lists every problem at once, in source order', () => {
    const lines = problems(() => parseManifest('storage:\n  filter_mode: or\n  providers:\n    - {type: memory, agents: planner}\n'));
    expect(lines).toEqual([
      '<string>:2:16: storage.filter_mode: expected one of "and", "override"',
      '<string>:4:30: storage.providers[0].agents: expected array, received string',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [line] = problems(() => parseManifest('storage:\n  providers: [\n'));
    expect(line).toMatch(/^<string>:\d+:\d+: YAML syntax error/);
  });

  it('names a missing manifest file', () => {
    expect(problems(() => loadManifest(join(dir, 'missing.yml')))).toEqual([`${join(dir, 'missing.yml')}: cannot read manifest: file not found`]);
  });

  it('carries the issues as data for library callers', () => {
    try {
      resolveStorage({ providers: [{ type: 'sql', pool_size: 0 }] });
      expect.unreachable();
    } catch (error) {
      expect((error as ManifestError).issues).toEqual([
        { file: '<object>', path: 'storage.providers[0].pool_size', message: 'Too small: expected number to be >=1' },
      ]);
    }
  });
});

describe('password masking', () => {
  it('hides a password even when it holds @ or /', async () => {
    const { maskUrl } = await import('../../src/providers/sql/url.js');
    expect(maskUrl('postgresql://app:s3cr@t/x@db:5432/h')).toBe('postgresql://app:***@db:5432/h');
    expect(maskUrl('postgresql://app:plain@db/h')).toBe('postgresql://app:***@db/h');
    expect(maskUrl('sqlite:////var/h.db')).toBe('sqlite:////var/h.db');
  });
});
