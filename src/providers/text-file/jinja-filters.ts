import { pythonJson, pythonRepr, pythonStr } from './python-text.js';

// Filters of Jinja2 that nunjucks lacks, so that templates written for Jinja render here, and
// render the same text (each is tested against Jinja2's own output).

/** HTML-significant characters, escaped inside the JSON as Jinja's `tojson` does (`htmlsafe_json_dumps`). */
const HTML_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', "'": '\\u0027' };

/**
 * `value | tojson` and `value | tojson(indent)`: Jinja's JSON — keys sorted, `", "` and `": "`
 * between items, non-ASCII as `\uXXXX`, and `<`, `>`, `&`, `'` as `\u003c`… so the text is safe in
 * HTML. Still valid JSON, decoding to the same value. An undefined value is `null` (Jinja fails).
 */
export function tojson(value: unknown, indent?: unknown): string {
  const spaces = typeof indent === 'object' && indent !== null ? (indent as { indent?: unknown }).indent : indent;
  return pythonJson(value, typeof spaces === 'number' ? spaces : undefined).replace(/[<>&']/g, (char) => HTML_SAFE[char]!);
}

/** `mapping | items`: its `[key, value]` pairs, for `{% for key, value in mapping | items %}`. */
export function items(value: unknown): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError('Can only get item pairs from a mapping.');
  return Object.entries(value);
}

/** One `%` conversion: `%[(key)][flags][width][.precision]type`. */
const CONVERSION = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+)?(?:\.(\d*))?(.?)/gy;

/** Keyword arguments as nunjucks passes them: a last object marked `__keywords`. */
function keywordsOf(args: unknown[]): Record<string, unknown> | null {
  const last = args.at(-1) as { __keywords?: unknown } | undefined;
  if (typeof last !== 'object' || last === null || last.__keywords !== true) return null;
  const { __keywords: _marker, ...named } = last;
  return named;
}

/**
 * `"%s costs %.4f" | format(name, cost)`: Python's `%` formatting, as Jinja's `format` filter
 * does it. Conversions `%s %r %d %i %f %F %x %X %o %%` with flags `-+ 0#`, width, precision
 * and `%(name)s` for keyword arguments; anything else fails as Python would.
 */
export function format(template: unknown, ...args: unknown[]): string {
  const text = pythonStr(template);
  const named = keywordsOf(args);
  const positional = named ? args.slice(0, -1) : args;
  if (named && positional.length > 0) throw new TypeError("can't handle positional and keyword arguments at the same time");
  let next = 0;
  let out = '';
  let at = 0;
  for (let percent = text.indexOf('%'); percent >= 0; percent = text.indexOf('%', at)) {
    out += text.slice(at, percent);
    CONVERSION.lastIndex = percent;
    const match = CONVERSION.exec(text)!;
    const [whole, key, flags = '', width, precision, type = ''] = match;
    at = percent + whole.length;
    if (type === '%' && whole === '%%') {
      out += '%';
      continue;
    }
    let value: unknown;
    if (key !== undefined) {
      if (!named) throw new TypeError('format requires a mapping');
      if (!(key in named)) throw new Error(`KeyError: '${key}'`);
      value = named[key];
    } else {
      if (named || next >= positional.length) throw new TypeError('not enough arguments for format string');
      value = positional[next++];
    }
    out += convert(value, type, flags, width === undefined ? 0 : Number(width), precision === undefined ? undefined : Number(precision || 0), percent);
  }
  if (!named && next < positional.length) throw new TypeError('not all arguments converted during string formatting');
  return out + text.slice(at);
}

/** One conversion of one value, padded to `width`. */
function convert(value: unknown, type: string, flags: string, width: number, precision: number | undefined, index: number): string {
  let body: string;
  let numeric = true;
  switch (type) {
    case 's':
    case 'r': {
      const text = type === 's' ? pythonStr(value) : pythonRepr(value);
      body = precision === undefined ? text : text.slice(0, precision);
      numeric = false;
      break;
    }
    case 'd':
    case 'i':
      body = signed(BigInt(Math.trunc(realNumber(value, type))).toString(), flags);
      break;
    case 'x':
    case 'X':
    case 'o':
      body = signed(radix(integer(value, type), type, flags.includes('#')), flags);
      break;
    case 'f':
    case 'F':
      body = signed(fixed(realNumber(value, type), precision ?? 6), flags);
      if (type === 'F') body = body.toUpperCase();
      break;
    default: {
      const char = type === '' ? 'incomplete format' : `unsupported format character '${type}' (0x${type.codePointAt(0)!.toString(16)}) at index ${index + 1}`;
      throw new Error(char);
    }
  }
  return pad(body, width, flags, numeric);
}

function realNumber(value: unknown, type: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TypeError(`%${type} format: a real number is required, not ${pythonType(value)}`);
}

function integer(value: unknown, type: string): bigint {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new TypeError(`%${type} format: an integer is required, not ${pythonType(value)}`);
}

function pythonType(value: unknown): string {
  if (value === null || value === undefined) return value === null ? 'NoneType' : 'Undefined';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

function radix(value: bigint, type: string, alternate: boolean): string {
  const digits = (value < 0n ? -value : value).toString(type === 'o' ? 8 : 16);
  const prefix = alternate ? (type === 'o' ? '0o' : type === 'x' ? '0x' : '0X') : '';
  const body = prefix + (type === 'X' ? digits.toUpperCase() : digits);
  return value < 0n ? `-${body}` : body;
}

/**
 * `%.Nf`: the exact decimal value rounded to `digits` places, ties to even as Python does
 * (JavaScript's `toFixed` rounds exact ties up: 0.125 → 0.13 where Python writes 0.12).
 */
function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Math.abs(value) >= 1e21) return `${BigInt(value).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  const rounded = value.toFixed(digits);
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 30));
  const cut = exact.indexOf('.') + digits + (digits > 0 ? 1 : 0);
  const isTie = /^50*$/.test(exact.slice(cut).replace('.', ''));
  const kept = exact.slice(0, digits > 0 ? cut : exact.indexOf('.'));
  if (!isTie || Number(kept.at(-1)) % 2 !== 0) return rounded;
  return (value < 0 || Object.is(value, -0) ? '-' : '') + kept;
}

/** A sign for a non-negative number when the flags ask for one. */
function signed(body: string, flags: string): string {
  if (body.startsWith('-')) return body;
  if (flags.includes('+')) return `+${body}`;
  return flags.includes(' ') ? ` ${body}` : body;
}

/** Padded to `width`: left-justified with `-`, zeros after the sign with `0` (numbers only), else spaces before. */
function pad(body: string, width: number, flags: string, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (!numeric || !flags.includes('0')) return body.padStart(width);
  const sign = /^[-+ ]/.test(body) ? body[0]! : '';
  const prefix = /^[-+ ]?0[xXo]/.test(body) ? body.slice(sign.length, sign.length + 2) : '';
  const digits = body.slice(sign.length + prefix.length);
  return sign + prefix + digits.padStart(width - sign.length - prefix.length, '0');
}
