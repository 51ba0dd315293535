import { Conversations, type ConversationHead } from '../../core/conversations.js';
import { isRunFact, type Entry } from '../../core/entries.js';

/** An entry as templates see it: its fields (docs/entries.md) plus `agent`, the agent the logger attributed it to. */
export type EntryView = Entry & { agent: string | null };
type ViewOf<T extends Entry['type']> = Extract<Entry, { type: T }> & { agent: string | null };

/** A message in a grouped view, with the tool calls it made. */
export type MessageView = ViewOf<'message'> & { tool_calls: ViewOf<'tool_call'>[] };

/** One conversation of the `conversations` template variable (docs/templates.md). */
export interface ConversationView {
  conversation_id: string;
  /** From its conversation_start, else the agent of its first entry. */
  agent_name: string | null;
  /** The conversation_start's timestamp, else the first entry's. */
  start_time: string;
  messages: MessageView[];
  tool_calls: ViewOf<'tool_call'>[];
  context: ViewOf<'context'>[];
  /** Messages and context additions in logging order. */
  items: (MessageView | ViewOf<'context'>)[];
  /** Tool calls whose message was not logged (yet). */
  readonly unattached_tool_calls: ViewOf<'tool_call'>[];
}

/** One run of the `runs` template variable: its facts (docs/runs.md) in logging order. */
export interface RunGroupView {
  run_id: string;
  session_id: string;
  agent_name: string;
  facts: EntryView[];
}

/** The variables a grouped template is rendered with. */
export interface GroupedContext {
  entries: EntryView[];
  conversations: ConversationView[];
  commands: ViewOf<'command'>[];
  runs: RunGroupView[];
}

class Conversation implements ConversationView, ConversationHead {
  readonly conversation_id: string;
  agent_name: string | null;
  start_time: string;
  started: boolean;
  messages: MessageView[] = [];
  tool_calls: ViewOf<'tool_call'>[] = [];
  context: ViewOf<'context'>[] = [];
  items: (MessageView | ViewOf<'context'>)[] = [];
  /** Messages by `message_id`, so tool calls find their message in O(1). */
  readonly byMessageId = new Map<string, MessageView>();
  /** Tool calls waiting for their message, by `message_id`. */
  readonly waiting = new Map<string, ViewOf<'tool_call'>[]>();

  constructor(head: ConversationHead) {
    this.conversation_id = head.conversation_id;
    this.agent_name = head.agent_name;
    this.start_time = head.start_time;
    this.started = head.started;
  }

  get unattached_tool_calls(): ViewOf<'tool_call'>[] {
    return [...this.waiting.values()].flat();
  }
}

/**
 * What a grouped template renders, kept incrementally: each entry is filed once into maps by
 * conversation, so a re-render never re-scans or re-groups earlier entries.
 */
export class GroupedState {
  private readonly entries: EntryView[] = [];
  private readonly conversations = new Conversations((head) => new Conversation(head));
  private readonly commands: ViewOf<'command'>[] = [];
  private readonly runs = new Map<string, RunGroupView>();

  /** How many entries the state holds. */
  get size(): number {
    return this.entries.length;
  }

  /** Files one entry under its conversation (or the commands). */
  add(view: EntryView): void {
    this.entries.push(view);
    if (isRunFact(view)) {
      const run = this.runs.get(view.run_id);
      if (run) run.facts.push(view);
      else this.runs.set(view.run_id, { run_id: view.run_id, session_id: view.session_id, agent_name: view.agent_name, facts: [view] });
      return;
    }
    switch (view.type) {
      case 'command':
        this.commands.push(view);
        return;
      case 'conversation_start':
        this.conversations.start(view);
        return;
      case 'message':
        return this.addMessage(view);
      case 'tool_call':
        return this.addToolCall(view);
      case 'context': {
        const conversation = this.conversationOf(view);
        conversation.context.push(view);
        conversation.items.push(view);
        return;
      }
    }
  }

  /** Removes one entry again (used only to leave out an entry the template cannot render). */
  remove(view: EntryView): void {
    drop(this.entries, view);
    if (view.type === 'command') return drop(this.commands, view);
    if (isRunFact(view)) return drop(this.runs.get(view.run_id)?.facts ?? [], view);
    const conversation = this.conversations.get(view.conversation_id);
    if (!conversation) return;
    if (view.type === 'message') {
      drop(conversation.messages, view);
      drop(conversation.items, view);
      conversation.byMessageId.delete(view.message_id ?? view.id);
    } else if (view.type === 'tool_call') {
      drop(conversation.tool_calls, view);
      const waiting = conversation.waiting.get(view.message_id);
      if (waiting) drop(waiting, view);
      const message = conversation.byMessageId.get(view.message_id);
      if (message) {
        drop(message.tool_calls, view);
        touch(message);
      }
    } else if (view.type === 'context') {
      drop(conversation.context, view);
      drop(conversation.items, view);
    } else {
      conversation.started = false;
    }
  }

  /** The template variables. Arrays are shared with the state: render before the next `add`. */
  context(): GroupedContext {
    return { entries: this.entries, conversations: [...this.conversations.values()], commands: this.commands, runs: [...this.runs.values()] };
  }

  private conversationOf(view: EntryView & { conversation_id: string }): Conversation {
    return this.conversations.of(view, view.agent);
  }

  private addMessage(entry: ViewOf<'message'>): void {
    const conversation = this.conversationOf(entry);
    const id = entry.message_id ?? entry.id;
    // The view is the provider's own copy of the entry, so it can carry its tool calls itself.
    const view = entry as MessageView;
    view.tool_calls = conversation.waiting.get(id) ?? [];
    conversation.waiting.delete(id);
    conversation.byMessageId.set(id, view);
    conversation.messages.push(view);
    conversation.items.push(view);
  }

  private addToolCall(view: ViewOf<'tool_call'>): void {
    const conversation = this.conversationOf(view);
    conversation.tool_calls.push(view);
    const message = conversation.byMessageId.get(view.message_id);
    if (message) {
      message.tool_calls.push(view);
      touch(message);
    }
    else {
      const waiting = conversation.waiting.get(view.message_id);
      if (waiting) waiting.push(view);
      else conversation.waiting.set(view.message_id, [view]);
    }
  }
}

/**
 * How often a view changed after it was filed (a message gaining tool calls), kept under a
 * symbol so templates and the journal never see it. Lets `memo` reuse text rendered from it.
 */
export const REVISION: unique symbol = Symbol('revision');

function touch(view: object): void {
  const revised = view as { [REVISION]?: number };
  revised[REVISION] = (revised[REVISION] ?? 0) + 1;
}

function drop<T>(list: T[], item: unknown): void {
  const index = list.findIndex((candidate) => candidate === item || (candidate as { id?: string }).id === (item as { id?: string }).id);
  if (index >= 0) list.splice(index, 1);
}
