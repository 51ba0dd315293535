/**
 * What the loopback provider answers, in each provider's documented JSON: a first turn that
 * asks for two tools at once, then, once the request carries the tools' results, the answer.
 * Every usage has cached and (where the provider reports them) reasoning tokens, and the
 * numbers differ per turn, so that the end-to-end test can check each one where it lands.
 */

type Json = Record<string, unknown>;

const CREATED = 1763902800;
export const WEATHER = { Oslo: { tempC: -3, sky: 'snow' }, Bergen: { tempC: 6, sky: 'rain' } } as const;
export const ANSWER = 'Oslo: -3 °C and snow. Bergen: 6 °C and rain.';

/** The usage of each turn, as the tests expect it stored (historian's `prompt` counts the cache). */
export const USAGE = {
  chatTools: { total: 1346, prompt: 1250, completion: 96, cache_read: 1024, reasoning: 64 },
  chatAnswer: { total: 1433, prompt: 1402, completion: 31, cache_read: 1280, reasoning: 0 },
  responsesTools: { total: 2148, prompt: 2010, completion: 138, cache_read: 1792, reasoning: 96 },
  responsesAnswer: { total: 2250, prompt: 2205, completion: 45, cache_read: 1920, reasoning: 12 },
  // Anthropic's input_tokens leave out the cache: prompt = input + cache read + cache write.
  anthropicTools: { total: 3296 + 180, prompt: 96 + 3072 + 128, completion: 180, cache_read: 3072, cache_write: 128 },
  anthropicAnswer: { total: 3448 + 40, prompt: 248 + 3200, completion: 40, cache_read: 3200, cache_write: 0 },
};

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_e2e${String(++sequence).padStart(4, '0')}`;

const cities = ['Oslo', 'Bergen'] as const;

/** `POST /v1/chat/completions`. */
export function chatCompletion(body: Json): Json {
  const answered = (body.messages as Json[]).some((message) => message.role === 'tool');
  const usage = answered ? USAGE.chatAnswer : USAGE.chatTools;
  const message = answered
    ? { role: 'assistant', content: ANSWER, refusal: null, annotations: [] }
    : {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: cities.map((city) => ({ id: nextId('call'), type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } })),
      };
  return {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message, logprobs: null, finish_reason: answered ? 'stop' : 'tool_calls' }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.total,
      prompt_tokens_details: { cached_tokens: usage.cache_read, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: usage.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_e2e',
  };
}

/** The chunks of a streamed chat completion, the last one carrying the usage (`include_usage`). */
export function chatChunks(completion: Json): Json[] {
  const [choice] = completion.choices as Array<{ message: Json; finish_reason: string }>;
  const base = { id: completion.id, object: 'chat.completion.chunk', created: CREATED, model: completion.model, system_fingerprint: 'fp_e2e' };
  const chunk = (delta: Json, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
  const chunks: Json[] = [chunk({ role: 'assistant', content: null, refusal: null })];
  const content = choice!.message.content as string | null;
  if (content) chunks.push(chunk({ content: content.slice(0, 10) }), chunk({ content: content.slice(10) }));
  const calls = (choice!.message.tool_calls ?? []) as Array<{ id: string; function: { name: string; arguments: string } }>;
  calls.forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    const args = call.function.arguments;
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, 5) } }] }), chunk({ tool_calls: [{ index, function: { arguments: args.slice(5) } }] }));
  });
  chunks.push(chunk({}, choice!.finish_reason));
  chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}

/** `POST /v1/responses`: function calls by `call_id`, answered by `function_call_output` items. */
export function response(body: Json): Json {
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  const answered = input.some((item) => item.type === 'function_call_output');
  const usage = answered ? USAGE.responsesAnswer : USAGE.responsesTools;
  const reasoning = { id: nextId('rs'), type: 'reasoning', summary: [] };
  const output = answered
    ? [reasoning, { id: nextId('msg'), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: ANSWER, annotations: [], logprobs: [] }] }]
    : [
        reasoning,
        ...cities.map((city) => ({ id: nextId('fc'), type: 'function_call', status: 'completed', call_id: nextId('call'), name: 'get_weather', arguments: JSON.stringify({ city }) })),
      ];
  return {
    id: nextId('resp'),
    object: 'response',
    created_at: CREATED,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: 'gpt-5-mini-2025-08-07',
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: 'medium', summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: {
      input_tokens: usage.prompt,
      input_tokens_details: { cached_tokens: usage.cache_read },
      output_tokens: usage.completion,
      output_tokens_details: { reasoning_tokens: usage.reasoning },
      total_tokens: usage.total,
    },
    user: null,
    metadata: {},
  };
}

/** The events of a streamed response: each item added then done, and the whole response at the end. */
export function responseEvents(done: Json): Json[] {
  let sequence_number = 0;
  const event = (type: string, fields: Json) => ({ type, sequence_number: sequence_number++, ...fields });
  const events = [event('response.created', { response: { ...done, status: 'in_progress', output: [], usage: null } })];
  (done.output as Json[]).forEach((item, output_index) => {
    const empty = item.type === 'message' ? { ...item, status: 'in_progress', content: [] } : item.type === 'function_call' ? { ...item, arguments: '' } : item;
    events.push(event('response.output_item.added', { output_index, item: empty }));
    events.push(event('response.output_item.done', { output_index, item }));
  });
  events.push(event('response.completed', { response: done }));
  return events;
}

/** `POST /v1/messages`: tool_use blocks, answered by tool_result blocks. */
export function anthropicMessage(body: Json): Json {
  const messages = body.messages as Array<{ content: unknown }>;
  const answered = messages.some((message) => Array.isArray(message.content) && (message.content as Json[]).some((block) => block.type === 'tool_result'));
  const usage = answered ? USAGE.anthropicAnswer : USAGE.anthropicTools;
  const content = answered
    ? [{ type: 'text', text: ANSWER, citations: null }]
    : [
        { type: 'text', text: 'Checking both cities.', citations: null },
        ...cities.map((city) => ({ type: 'tool_use', id: nextId('toolu'), name: 'get_weather', input: { city } })),
      ];
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content,
    stop_reason: answered ? 'end_turn' : 'tool_use',
    stop_sequence: null,
    usage: {
      input_tokens: usage.prompt - usage.cache_read - usage.cache_write,
      cache_creation_input_tokens: usage.cache_write,
      cache_read_input_tokens: usage.cache_read,
      output_tokens: usage.completion,
      service_tier: 'standard',
    },
  };
}

/** The events of a streamed message: the start with input usage, each block, the output usage at the end. */
export function anthropicEvents(message: Json): Json[] {
  const usage = message.usage as Json;
  const events: Json[] = [{ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }];
  (message.content as Json[]).forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  events.push({ type: 'message_stop' });
  return events;
}
