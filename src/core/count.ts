/**
 * `1 message`, `2 messages`, `0 messages`; `plural` for nouns that do not just take an `s`
 * (`count(1, 'entry', 'entries')`). Every count a message or the CLI prints goes through here.
 */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
