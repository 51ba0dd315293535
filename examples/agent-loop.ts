/**
 * Wiring historian into an agent loop.
 *
 * The loop sends the conversation to a model, logs the reply through `fromOpenAIChat` (which
 * maps the response's text, tool calls, token usage and cache hits to entries), runs the tools
 * the model asked for and logs each call with its result, until the model answers in text.
 * The model is a stand-in that returns OpenAI-shaped chat completions, so this runs offline;
 * swap in `openai.chat.completions.create` and nothing else changes.
 *
 * Entries go to two providers at once: memory (read back at the end) and a JSON Lines file.
 *
 * Run it (Node 20 cannot run TypeScript directly, so compile the project first, into a folder
 * under node_modules so that git ignores it and the compiled code still finds its packages):
 *
 *   npx tsc -p . --outDir node_modules/.cache/historian-examples
 *   node node_modules/.cache/historian-examples/examples/agent-loop.js [OUT_DIR]
 *
 * or run it as a test: `npx vitest run test/examples` (it imports `runAgentLoop`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHistorian, fromOpenAIChat, type Conversation, type OpenAIChatCompletionLike, type TokenUsageInput } from '../src/index.js';

/** A chat message in the OpenAI format the model is sent. */
interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_call_id?: string;
  tool_calls?: OpenAIChatCompletionLike['choices'][number]['message']['tool_calls'];
}

const AGENT = 'travel-agent';
const MODEL = 'gpt-4o-2024-08-06';

/** Stands in for `openai.chat.completions.create`: asks for the weather first, then answers with it. */
async function fakeModel(messages: ChatMessage[]): Promise<OpenAIChatCompletionLike> {
  const toolReply = messages.findLast((message) => message.role === 'tool');
  const turn = messages.filter((message) => message.role === 'assistant').length + 1;
  const usage = { prompt_tokens: 310 * turn, completion_tokens: 24, total_tokens: 310 * turn + 24, prompt_tokens_details: { cached_tokens: 256 * (turn - 1) } };
  const message = toolReply
    ? { content: `In Lisbon it is ${JSON.parse(toolReply.content ?? '{}').tempC} °C and sunny: pack light.`, refusal: null }
    : {
        content: null,
        refusal: null,
        tool_calls: [{ id: `call_${turn}`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } }],
      };
  return { id: `chatcmpl-${randomUUID()}`, model: MODEL, choices: [{ message }], usage };
}

/** The tools the agent may call. */
const tools: Record<string, (args: Record<string, unknown>) => unknown> = {
  get_weather: (args) => ({ city: args.city, tempC: 24, sky: 'sunny' }),
};

/** GPT-4o list prices in USD per million tokens; historian stores a cost but does not price calls. */
function priceOf(usage: TokenUsageInput): number {
  const cached = usage.cache_read ?? 0;
  return ((usage.prompt - cached) * 2.5 + cached * 1.25 + usage.completion * 10) / 1_000_000;
}

/**
 * Runs one conversation of the agent, logging everything into a memory provider and
 * `OUT_DIR/history.jsonl`, and returns the conversations read back from memory.
 */
export async function runAgentLoop(outDir: string): Promise<Conversation[]> {
  const historian = await createHistorian({
    providers: [
      { type: 'memory', name: 'live' },
      { type: 'file', name: 'archive', path: join(outDir, 'history.jsonl') },
    ],
    default_provider: 'live',
  });
  const conversation_id = `trip-${Date.now().toString(36)}`;
  const question = 'What should I pack for Lisbon this weekend?';
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are a travel assistant. Use tools for live data.' },
    { role: 'user', content: question },
  ];

  historian.logConversationStart({ conversation_id, agent_name: AGENT });
  historian.logContext({ conversation_id, role: 'system', content: messages[0]!.content ?? '', metadata: { prompt_version: 3 } });
  historian.logMessage({ conversation_id, role: 'user', content: question });

  for (let turn = 0; turn < 5; turn += 1) {
    const startedAt = Date.now();
    const response = await fakeModel(messages);
    const [reply, ...toolCalls] = fromOpenAIChat(response, { conversation_id, name: AGENT, startedAt });
    // Pricing lives with the caller; the adapter only carries the figure into cost_info.
    if (reply.cost_info?.token_usage) reply.cost_info.total_cost = priceOf(reply.cost_info.token_usage);
    historian.log(reply);
    messages.push({ role: 'assistant', content: reply.content, tool_calls: response.choices[0]?.message.tool_calls });
    if (toolCalls.length === 0) break;

    for (const call of toolCalls) {
      const result = tools[call.tool_name]?.(call.args) ?? { error: `unknown tool ${call.tool_name}` };
      // The adapter leaves result null; log the call once its result is known.
      historian.log({ ...call, result });
      messages.push({ role: 'tool', tool_call_id: call.tool_call_id, content: JSON.stringify(result) });
    }
  }

  historian.logCommand({ agent_name: AGENT, session_id: conversation_id, command: '/save-trip lisbon', context_type: 'slash_command' });
  await historian.flush();
  const conversations = await historian.history().conversations({ tokens: true });
  await historian.close();
  return conversations;
}

/** Prints each conversation with its messages and token totals. */
function printConversations(conversations: Conversation[]): void {
  for (const conversation of conversations) {
    const tokens = conversation.token_usage;
    console.log(`${conversation.conversation_id} (${conversation.agent_name}) — ${tokens?.total ?? 0} tokens`);
    for (const message of conversation.messages) {
      const cost = message.cost_info?.total_cost;
      console.log(`  ${message.role}: ${message.content || '(tool calls)'}${cost === undefined ? '' : `  [$${cost.toFixed(6)}]`}`);
    }
  }
}

// Run only when executed directly, so the test can import runAgentLoop.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'historian-agent-loop-'));
  printConversations(await runAgentLoop(outDir));
  console.log(`\nJSON Lines history: ${join(outDir, 'history.jsonl')}`);
}
