import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Entry } from '../core/entries.js';
import type { History } from '../history/history.js';


/** Bytes of events a live-update client may leave unread before it is let go. */
const MAX_BUFFERED = 1 << 20;
/** Where the history is read from: kept open, or opened afresh for each use (a document). */
export interface HistorySource {
  /** Runs `work` on the history. */
  use<T>(work: (history: History) => Promise<T>): Promise<T>;
  /** Whether each use opens the provider afresh (it answers from what it read when opened). */
  readonly reopens: boolean;
}

/**
 * Sends new entries to every connected browser as server-sent events, found as `tail -f` finds
 * them: by the feed's position for a provider that sees other processes' writes (a database, a
 * JSON Lines file), else by the last timestamp seen in a document opened afresh each round. One
 * loop serves every client, and runs only while one is connected.
 */
export class Follower {
  private readonly clients = new Set<ServerResponse>();
  private running = false;
  private stopped = false;

  constructor(
    private readonly source: HistorySource,
    private readonly every: number,
  ) {}

  /** Adds a client: the event stream starts with a comment, then an `entry` event per new entry. */
  add(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': following\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    if (!this.running) void this.loop();
  }

  /** Ends every stream and the loop. */
  stop(): void {
    this.stopped = true;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private send(entries: Entry[]): void {
    for (const entry of entries) {
      const event = `event: entry\ndata: ${JSON.stringify(entry)}\n\n`;
      for (const client of this.clients) {
        // A client that stopped reading is let go rather than buffered for without bound.
        if (!client.write(event) && client.writableLength > MAX_BUFFERED) {
          client.destroy();
          this.clients.delete(client);
        }
      }
    }
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      const byPosition = !this.source.reopens && (await this.source.use(async (h) => h.feed !== undefined));
      const next = byPosition ? await this.source.use(async (h) => this.byPosition(h)) : await this.byTime();
      while (this.clients.size > 0 && !this.stopped) {
        const found = await next();
        this.send(found);
        if (found.length === 0) await sleep(this.every);
      }
    } catch (error) {
      const event = `event: failure\ndata: ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n\n`;
      for (const client of this.clients) client.end(event);
      this.clients.clear();
    } finally {
      this.running = false;
    }
  }

  /** New entries by the feed's position, from what is stored now. */
  private async byPosition(history: History): Promise<() => Promise<Entry[]>> {
    const feed = history.feed!;
    let position = await feed.end();
    return () =>
      this.source.use(async (h) => {
        const next = await h.feed!.after(position);
        position = next.position;
        return next.entries;
      });
  }

  /** New entries of a document, after the last timestamp seen and the ids seen at it. */
  private async byTime(): Promise<() => Promise<Entry[]>> {
    const cursor = { since: new Date().toISOString(), seen: new Set<string>() };
    return () =>
      this.source.use(async (history) => {
        const found: Entry[] = [];
        for await (const entry of history.entries({ since: cursor.since })) {
          if (cursor.seen.has(entry.id)) continue;
          if (entry.timestamp > cursor.since) cursor.seen.clear();
          cursor.since = entry.timestamp;
          cursor.seen.add(entry.id);
          found.push(entry);
        }
        return found;
      });
  }
}
