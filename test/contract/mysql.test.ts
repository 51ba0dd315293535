import { describe, it } from 'vitest';
import { historyContract } from './history-contract.js';
import { freshMysqlDatabase, MYSQL_SKIPPED, MYSQL_URL } from './mysql-database.js';

const url = MYSQL_URL;

if (url) {
  historyContract(
    'sql (MySQL/MariaDB server)',
    async () => {
      const database = await freshMysqlDatabase(url);
      return { storage: { providers: [{ type: 'sql', url: database.url, pool_size: 2 }] }, cleanup: database.drop };
    },
    { persistent: true },
  );
} else {
  describe('history contract: sql (MySQL/MariaDB server)', () => {
    it.skip(MYSQL_SKIPPED, () => {});
  });
}
