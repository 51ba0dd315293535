import { describe, it } from 'vitest';
import { freshMysqlDatabase, MYSQL_SKIPPED, MYSQL_URL } from './mysql-database.js';
import { runsContract } from './runs-contract.js';

const url = MYSQL_URL;

if (url) {
  runsContract(
    'sql (MySQL/MariaDB server)',
    async () => {
      const database = await freshMysqlDatabase(url);
      return { storage: { providers: [{ type: 'sql', url: database.url, pool_size: 2 }] }, cleanup: database.drop };
    },
    { persistent: true },
  );
} else {
  describe('runs contract: sql (MySQL/MariaDB server)', () => {
    it.skip(MYSQL_SKIPPED, () => {});
  });
}
