import { EntryError } from '../core/errors.js';

/**
 * An adapter was handed something other than a finished response: a stream, a promise, a chunk
 * of a stream. Nothing was logged; the message says what to pass instead.
 */
export class AdapterInputError extends EntryError {
  override name = 'AdapterInputError';
}

/** What one adapter expects, for recognising what it got instead. */
export interface Expected {
  /** The adapter's name, which opens every message. */
  adapter: string;
  /** What it takes, as a phrase: `an OpenAI chat completion`. */
  what: string;
  /** Whether the value has the shape the adapter reads. */
  fits: (value: Record<string, unknown>) => boolean;
  /** Recognises a known wrong input (a stream chunk or event…) and says what to pass instead; else undefined. */
  recognise: (value: Record<string, unknown>) => string | undefined;
  /** What to pass instead of a stream of chunks (`stream: true`). */
  stream: string;
}

// The methods that end each SDK's stream helper with its whole response, in the order they are
// tried: an OpenAI chat stream also has `finalMessage()`, which returns a message, not a completion.
const FINAL_METHODS = ['finalChatCompletion', 'finalResponse', 'finalMessage'];

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Whether `value` is a promise (or any thenable), such as an SDK call that was not awaited. */
export function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

// Why the value is not what the adapter takes, and what to pass instead; undefined when it fits.
function mistakeOf(value: unknown, expected: Expected): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const hint = Array.isArray(value) ? '; for stream chunks, pass the final response instead' : '';
    return `expected ${expected.what}, got ${kindOf(value)}${hint}`;
  }
  if (isThenable(value)) return `got a promise, not ${expected.what}; await it and pass the result`;
  const record = value as Record<string, unknown>;
  const final = FINAL_METHODS.find((method) => typeof record[method] === 'function');
  if (final) return `got a stream object, not ${expected.what}; call ${final}() and pass its result: ${expected.adapter}(await stream.${final}(), options)`;
  const recognised = expected.recognise(record);
  if (recognised) return recognised;
  if (expected.fits(record)) return undefined;
  if (Symbol.asyncIterator in record) return `got a stream of chunks, not ${expected.what}; ${expected.stream}`;
  return `expected ${expected.what}, got an object with keys ${Object.keys(record).slice(0, 8).join(', ') || '(none)'}`;
}

/** Throws an AdapterInputError saying what to pass instead, unless `value` is what the adapter takes. */
export function checkInput(value: unknown, expected: Expected): void {
  const mistake = mistakeOf(value, expected);
  if (mistake !== undefined) throw new AdapterInputError(`${expected.adapter}: ${mistake}`, 'response');
}
