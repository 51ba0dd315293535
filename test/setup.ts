// Runs before each test file (vitest setupFiles).
import { afterAll, inject, vi } from 'vitest';
import { closeSharedPglite, sharedPgliteModule } from './shared-pglite.js';

// PGlite databases that start in milliseconds instead of seconds: see shared-pglite.ts.
vi.mock('@electric-sql/pglite', async (importOriginal) => sharedPgliteModule(await importOriginal(), inject('pgliteTemplate')));
afterAll(closeSharedPglite);
