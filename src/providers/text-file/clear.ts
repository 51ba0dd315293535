import { readFile, rm } from 'node:fs/promises';
import { FileLock } from '../../fs/lock.js';
import { journalPath } from './journal.js';
import type { TextFileConfig } from './config.js';
import { baseFolder, fileListPath } from './paths.js';
import { compilePathTemplate } from './templates.js';

/** The files a templated text log listed as created (see `PathRouter.fileListPath`); none when it listed none. */
async function listedFiles(list: string): Promise<string[]> {
  const text = await readFile(list, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const files = new Set<string>();
  for (const line of text.split('\n')) {
    try {
      if (line) files.add(JSON.parse(line) as string);
    } catch {
      // A line torn by a crash names no file.
    }
  }
  return [...files];
}

/** Deletes a log and its journal under the lock its writers take; returns those that were there. */
async function deleteLog(log: string, label: string): Promise<string[]> {
  return new FileLock(log, { label }).run(async () => {
    const deleted: string[] = [];
    for (const file of [log, journalPath(log)]) {
      const removed = await rm(file).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      if (removed) deleted.push(file);
    }
    return deleted;
  });
}

/**
 * Deletes the logs of a text_file provider, and their journals: its one file for a constant
 * path, else the files it listed as created. Nothing else in the folder is touched (files of the
 * user's, set-aside entries, logs written before the list was kept). Each log is deleted under
 * the lock its writers take. Returns the files deleted.
 */
export async function clearTextFile(config: TextFileConfig, label: string): Promise<string[]> {
  const constant = compilePathTemplate(config.path).constant;
  // The list is kept: a live writer lists a file once per process, and may write it again.
  const logs = constant ? [config.path] : await listedFiles(fileListPath(baseFolder(config.path), label));
  const deleted: string[] = [];
  for (const log of logs.sort()) deleted.push(...(await deleteLog(log, label)));
  return deleted;
}
