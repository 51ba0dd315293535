import { describe, expect, it } from 'vitest';
import { forTerminal, style, unstyled } from '../../src/cli/output.js';

describe('the output writer', () => {
  const hostile = 'a\u001b]52;c;cm0gLXJmIC8=\u0007b\u009b2Jc\u007f\r\n\td';

  it('shows control characters as visible escapes on a terminal, keeping newlines and tabs', () => {
    expect(forTerminal(hostile, 'text', true)).toBe('a\\x1b]52;c;cm0gLXJmIC8=\\x07b\\x9b2Jc\\x7f\\x0d\n\td');
  });

  it('keeps JSON valid on a terminal: control characters become \\u escapes that decode to the same text', () => {
    const json = JSON.stringify({ content: hostile });
    const shown = forTerminal(json, 'json', true);
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(JSON.parse(shown)).toEqual({ content: hostile });
  });

  it('writes piped output byte for byte', () => {
    expect(forTerminal(hostile, 'text', false)).toBe(hostile);
    expect(forTerminal(hostile, 'json', false)).toBe(hostile);
  });

  it('renders our styles as colour on a terminal and drops them when piped', () => {
    const text = `${style('bold', 'id')} ${hostile}`;
    expect(forTerminal(text, 'text', true).startsWith('\u001b[1mid\u001b[22m a\\x1b]52')).toBe(true);
    expect(forTerminal(text, 'text', false)).toBe(`id ${hostile}`);
    expect(unstyled(text)).toBe(`id ${hostile}`);
  });

  it('does not let content forge a style marker', () => {
    const forged = '\u{E000}0000000000000000' + '1\u{E001}x';
    expect(forTerminal(forged, 'text', true)).toBe(forged);
  });
});
