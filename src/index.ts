/**
 * historian — a history logger for LLM agents.
 *
 * ```ts
 * const historian = await createHistorian('agents.yml');
 * historian.logConversationStart({ conversation_id: 'c1', agent_name: 'planner' });
 * historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'Plan the release' });
 * await historian.flush();
 * const recent = await historian.history().conversations({ since: '1d', limit: 10 });
 * await historian.close();
 * ```
 * @packageDocumentation
 */
export { createHistorian, type Historian, type HistorianOptions, type ManifestSource } from './dispatch/historian.js';
export { closeOnSignals, type CloseOnSignalsOptions, type ShutdownReport } from './dispatch/signals.js';
export { loadManifest, parseManifest, resolveStorage, type Manifest, type ResolvedProvider, type LoadOptions } from './config/load.js';
export { storageSchema, type StorageInput, type StorageConfig, type ProviderConfig, type ProviderInput } from './config/schema.js';
export type { Pricing, ModelPrice, FlagName } from './core/config-schema.js';
export { defineProvider, type ProviderSpec, type ConfigOf, type InputOf } from './core/define-provider.js';
export type { Provider, OpenProvider, ProviderDefinition, ProviderContext, ProviderProblem, ResolveContext, LogRecord, Rejection, WriteResult, MigrateOptions } from './core/provider.js';
export { entrySchema } from './core/entries.js';
export { validateEntry } from './core/validate.js';
export * from './adapters/index.js';
export type {
  Entry,
  EntryInput,
  EntryType,
  MessageEntry,
  ConversationStartEntry,
  ToolCallEntry,
  CommandEntry,
  ContextEntry,
  CostInfo,
  TokenUsage,
  RunFact,
  RunFactType,
  RunFactOf,
} from './core/entries.js';
export { isRunFact, RUN_FACT_TYPES } from './core/entries.js';
export type * from './core/run-queries.js';
export { runViews, runView, listRuns, steps, traces } from './runs/views.js';
export { costOfUsage, callCost, priceOf } from './runs/pricing.js';
export type { History, HistoryFeed } from './history/history.js';
export { exportHistory, importEntries, readEntries, type ExportFormat, type TransferOptions, type TransferSummary } from './transfer/transfer.js';
export { parseDuration, toTimestamp } from './core/time.js';
export type * from './core/queries.js';
export { HistorianError, ManifestError, EntryError, ProviderError, RejectedEntryError, QueryError, type ManifestIssue } from './core/errors.js';
