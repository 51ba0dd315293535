/**
 * The finish reasons of an answer the model finished (or paused to call tools), as the SDKs name
 * them; any other reason (`length`, `max_tokens`, `content_filter`…) means it was cut short.
 */
export const COMPLETE_FINISH_REASONS: readonly string[] = ['stop', 'end_turn', 'stop_sequence', 'tool_calls', 'tool-calls', 'tool_use', 'function_call', 'completed'];

const COMPLETE = new Set(COMPLETE_FINISH_REASONS);

/** Whether a message's finish reason says its answer was cut short (no reason says nothing). */
export function cutShort(reason: string | undefined): boolean {
  return reason !== undefined && !COMPLETE.has(reason);
}
