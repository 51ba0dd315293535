import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/providers/text-file/templates.js';
import { useTempDir } from './helpers.js';

// The expected texts are what Jinja2 3.1 renders for the same template and variables
// (`jinja2.Environment().from_string(template).render(variables)`), written down here so the
// tests need no Python.
const variables = {"args": {"query": "<b>Tom & Jerry's</b>", "limit": 10, "nested": {"z": [1, 2.5, null, true], "a": "résumé ✓ 😀"}, "empty": {}, "list": []}, "cost": 0.0025, "tie": 0.125, "half": 2.5, "neg": -2.5, "big": 12345678.9, "tiny": 1e-05, "n": 255, "m": -7, "f": 3.99, "name": "planner", "none": null, "flag": true, "items_list": ["a", 1, null], "text": "it's \"quoted\"\n", "meta": {"b": 2, "a": 1, "c": {"x": "y"}}};

const jinjaRenders: [template: string, jinja2Output: string][] = [
  ["{{ args | tojson }}", "{\"empty\": {}, \"limit\": 10, \"list\": [], \"nested\": {\"a\": \"r\\u00e9sum\\u00e9 \\u2713 \\ud83d\\ude00\", \"z\": [1, 2.5, null, true]}, \"query\": \"\\u003cb\\u003eTom \\u0026 Jerry\\u0027s\\u003c/b\\u003e\"}"],
  ["{{ args | tojson(indent=2) }}", "{\n  \"empty\": {},\n  \"limit\": 10,\n  \"list\": [],\n  \"nested\": {\n    \"a\": \"r\\u00e9sum\\u00e9 \\u2713 \\ud83d\\ude00\",\n    \"z\": [\n      1,\n      2.5,\n      null,\n      true\n    ]\n  },\n  \"query\": \"\\u003cb\\u003eTom \\u0026 Jerry\\u0027s\\u003c/b\\u003e\"\n}"],
  ["{{ args.list | tojson }}|{{ args.empty | tojson }}|{{ none | tojson }}|{{ flag | tojson }}|{{ cost | tojson }}|{{ tiny | tojson }}|{{ big | tojson }}|{{ name | tojson }}", "[]|{}|null|true|0.0025|1e-05|12345678.9|\"planner\""],
  ["{{ text | tojson }}", "\"it\\u0027s \\\"quoted\\\"\\n\""],
  ["{{ \"%.4f\" | format(cost) }}|{{ \"%.2f\" | format(tie) }}|{{ \"%.0f\" | format(half) }}|{{ \"%.0f\" | format(neg) }}|{{ \"%f\" | format(big) }}|{{ \"%.3f\" | format(n) }}", "0.0025|0.12|2|-2|12345678.900000|255.000"],
  ["{{ \"%s has %d calls, %i%% done\" | format(name, f, 42) }}", "planner has 3 calls, 42% done"],
  ["{{ \"%x %X %#x %o %#o %x\" | format(n, n, n, 8, 8, m) }}", "ff FF 0xff 10 0o10 -7"],
  ["{{ \"%r|%r|%r|%r|%r|%r\" | format(name, text, none, flag, items_list, meta) }}", "'planner'|'it\\'s \"quoted\"\\n'|None|True|['a', 1, None]|{'b': 2, 'a': 1, 'c': {'x': 'y'}}"],
  ["{{ \"%s|%s|%s|%s|%s\" | format(none, flag, items_list, meta, cost) }}", "None|True|['a', 1, None]|{'b': 2, 'a': 1, 'c': {'x': 'y'}}|0.0025"],
  ["{{ \"[%5d] [%-5d] [%05d] [%+d] [% d] [%+.2f] [%08.3f] [%10s] [%-10s] [%.3s]\" | format(m, m, m, n, n, cost, cost, name, name, name) }}", "[   -7] [-7   ] [-0007] [+255] [ 255] [+0.00] [0000.003] [   planner] [planner   ] [pla]"],
  ["{{ \"%(name)s spent %(cost).4f\" | format(name=name, cost=cost) }}", "planner spent 0.0025"],
  ["{% for k, v in meta | items %}{{ k }}={{ v | tojson }};{% endfor %}", "b=2;a=1;c={\"x\": \"y\"};"],
  ["{% for k, v in args.empty | items %}{{ k }}{% else %}none{% endfor %}", "none"],
  ["{{ \"%5.1f%%\" | format(f) }}", "  4.0%"],
];

describe('Jinja filters nunjucks lacks render as Jinja2 does', () => {
  const tempDir = useTempDir();

  /** Renders `source` over the variables; the guard keeps it quiet when loading runs it without them. */
  function render(source: string, context: object = variables): string {
    const file = join(tempDir(), `t${Math.random().toString(36).slice(2)}.j2`);
    writeFileSync(file, `{% if name %}${source}{% endif %}`);
    return loadTemplateFile(file).render(context);
  }

  it.each(jinjaRenders)('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('tojson output is JSON that decodes to the value, HTML characters included', () => {
    expect(JSON.parse(render('{{ args | tojson }}'))).toEqual(variables.args);
  });

  it.each([
    ['{{ "%d" | format("x") }}', '%d format: a real number is required, not str'],
    ['{{ "%s %s" | format("x") }}', 'not enough arguments for format string'],
    ['{{ "%s" | format("x", "y") }}', 'not all arguments converted during string formatting'],
    ['{{ "%q" | format(1) }}', "unsupported format character 'q' (0x71) at index 1"],
    ['{{ "%x" | format(1.5) }}', '%x format: an integer is required, not float'],
    ['{{ name | items }}', 'Can only get item pairs from a mapping.'],
  ])('%s fails as in Jinja2: %s', (template, message) => {
    expect(() => render(template)).toThrow(message);
  });
});
