// How Python writes values as text, for the Jinja filters nunjucks lacks (jinja-filters.ts):
// templates brought from Jinja2 must render the same text here. Values are JSON values (entries
// are normalised at log time), so JSON's types map onto Python's: null → None, arrays → lists,
// objects → dicts; a number is written as an int when it is integral, since JSON cannot tell.

/** `repr(float)`: the shortest digits that read back the same, fixed from 1e-4 up to 1e16, else exponent form. */
function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const [digits, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

/** A number as Python writes it: an int when integral (below 1e16), else a float. */
function numberRepr(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : floatRepr(value);
}

/** `repr(str)`: single quotes unless the text holds `'` and no `"`; escapes as Python's. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += char;
  }
  return out + quote;
}

/** `repr(value)` of a JSON value: `None`, `True`, `'text'`, `[1, 'a']`, `{'k': 1}`. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberRepr(value);
  if (typeof value === 'string') return stringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${stringRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** `str(value)`: a string as it is, anything else as its repr (an undefined variable is empty, as in Jinja). */
export function pythonStr(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return String(value);
  return pythonRepr(value);
}

/** Characters `json.dumps` escapes besides the non-ASCII ones. */
const JSON_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A JSON string as `json.dumps` writes it (`ensure_ascii`: every code unit past 0x7f as `\uXXXX`). */
function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = text.charCodeAt(i);
    out += JSON_ESCAPES[char] ?? (code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : char);
  }
  return `${out}"`;
}

/**
 * `json.dumps(value, sort_keys=True, indent=indent)`, as Jinja's `tojson` calls it: keys sorted,
 * `", "` and `": "` between items (`","` at line ends when indented), non-ASCII escaped.
 */
export function pythonJson(value: unknown, indent?: number, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? numberRepr(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'string') return jsonString(value);
  const items: string[] = Array.isArray(value)
    ? value.map((item) => pythonJson(item, indent, depth + 1))
    : Object.keys(value as object)
        .sort()
        .map((key) => `${jsonString(key)}: ${pythonJson((value as Record<string, unknown>)[key], indent, depth + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (indent === undefined) return open + items.join(', ') + close;
  const pad = (level: number) => `\n${' '.repeat(indent * level)}`;
  return open + pad(depth + 1) + items.join(`,${pad(depth + 1)}`) + pad(depth) + close;
}
