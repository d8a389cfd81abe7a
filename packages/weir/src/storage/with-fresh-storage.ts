/** For the contract suites: each test opens its own fresh store and closes it, whatever the test does. */
import type { Storage } from './storage.js';

/**
 * @example
 * const withStorage = withFreshStorage(() => openSqliteStorage(':memory:'));
 * it('records a run', () => withStorage(async (s) => { await s.runs.createRun(…); }));
 */
export function withFreshStorage(open: () => Promise<Storage>): (test: (storage: Storage) => Promise<void>) => Promise<void> {
  return async (test) => {
    const storage = await open();
    try {
      await test(storage);
    } finally {
      await storage.close();
    }
  };
}
