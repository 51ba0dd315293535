import { describe, expect, it } from 'vitest';
import { isSecretVariable, maskSecrets, maskStrings, maskValues } from '../../src/core/secrets.js';

describe('maskSecrets', () => {
  it('leaves positions, paths and URLs without credentials alone', () => {
    const text =
      'agents.yml:12:7: storage.providers[1].url: expected one of sqlite:///relative/path.db, sqlite:////absolute/path.db, ' +
      'sqlite:///:memory:, pglite:///relative/dir, pglite://memory, postgres://db.example:5432/h?sslmode=require';
    expect(maskSecrets(text)).toBe(text);
  });

  it('keeps what follows a masked value', () => {
    expect(maskSecrets('failed on postgresql://h/db?password=hunter2&sslmode=require: refused')).toBe(
      'failed on postgresql://h/db?password=***&sslmode=require: refused',
    );
    expect(maskSecrets(maskSecrets('postgresql://h/db?password=***: refused'))).toBe('postgresql://h/db?password=***: refused');
  });

  it('masks "password": "…" in JSON and PEM private keys', () => {
    expect(maskSecrets('{"password": "a b", "user": "app"}')).toBe('{"password": "***", "user": "app"}');
    expect(maskSecrets('key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- end')).toBe('key *** end');
  });

  it('masks every string of a report', () => {
    expect(maskStrings({ targets: ['postgresql://a:b@h/d'], count: 2 })).toEqual({ targets: ['postgresql://a:***@h/d'], count: 2 });
  });
});

describe('secret variables', () => {
  it.each(['API_KEY', 'OPENAI_API_KEY', 'PGPASSWORD', 'GITHUB_TOKEN', 'CLIENT_SECRET', 'AWS_CREDENTIALS', 'BASIC_AUTH'])('%s looks secret', (name) => {
    expect(isSecretVariable(name)).toBe(true);
  });

  it.each(['HOME', 'PWD', 'DB_HOST', 'LOG_DIR'])('%s does not', (name) => {
    expect(isSecretVariable(name)).toBe(false);
  });

  it('replaces values by their ${VAR}, longest first, and ignores values too short to mean anything', () => {
    const secrets = [
      { variable: 'TOKEN', value: 'abcd' },
      { variable: 'LONG_TOKEN', value: 'abcdefgh' },
      { variable: 'AUTH_ON', value: '1' },
    ];
    expect(maskValues('x abcdefgh y abcd z 1', secrets)).toBe('x ${LONG_TOKEN} y ${TOKEN} z 1');
  });
});
