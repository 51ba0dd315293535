import { h, svg } from './dom.js';

const PALETTE = ['#3158c9', '#d9822b', '#2e9e6b', '#b8407a', '#7a5cc9', '#c9a431', '#3aa3b8', '#8c8c8c'];

/** The colour of the i-th series. */
export const colour = (i) => PALETTE[i % PALETTE.length];

/**
 * A stacked bar chart in SVG: a bar per time bucket, a segment per key. `points` are
 * {time, key, value}; every segment has a <title> for its exact value.
 */
export function stackedBars({ title, points, keys, format }) {
  const times = [...new Set(points.map((p) => p.time))].sort();
  if (times.length === 0) return h('figure', { class: 'chart' }, h('figcaption', {}, title), h('p', { class: 'state empty' }, 'No data in this period.'));
  const width = 640;
  const height = 220;
  const pad = { left: 64, right: 8, top: 8, bottom: 36 };
  const totals = times.map((t) => points.filter((p) => p.time === t).reduce((sum, p) => sum + p.value, 0));
  const max = Math.max(...totals) || 1;
  const slot = (width - pad.left - pad.right) / times.length;
  const barWidth = Math.max(Math.min(slot * 0.7, 48), 2);
  const y = (value) => pad.top + (height - pad.top - pad.bottom) * (1 - value / max);
  const bars = times.flatMap((t, i) => {
    let base = 0;
    return keys.flatMap((key, k) => {
      const point = points.find((p) => p.time === t && p.key === key);
      if (!point || point.value <= 0) return [];
      const top = y(base + point.value);
      const rect = svg('rect', { x: pad.left + slot * i + (slot - barWidth) / 2, y: top, width: barWidth, height: y(base) - top, fill: colour(k) }, svg('title', {}, `${t} · ${key ?? '(none)'}: ${format(point.value)}`));
      base += point.value;
      return [rect];
    });
  });
  const every = Math.ceil(times.length / 8);
  const labels = times.map((t, i) => (i % every === 0 ? svg('text', { x: pad.left + slot * i + slot / 2, y: height - pad.bottom + 16, 'text-anchor': 'middle', class: 'axis' }, shortTime(t)) : null));
  const grid = [0, 0.5, 1].map((f) => [
    svg('line', { x1: pad.left, x2: width - pad.right, y1: y(max * f), y2: y(max * f), class: 'grid' }),
    svg('text', { x: pad.left - 6, y: y(max * f) + 4, 'text-anchor': 'end', class: 'axis' }, format(max * f)),
  ]);
  const summary = `${title}: ${times.length} ${times.length === 1 ? 'bucket' : 'buckets'}, peak ${format(max)}`;
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary }, grid, bars, labels),
    legend(keys),
  );
}

function legend(keys) {
  return h(
    'ul',
    { class: 'legend' },
    keys.map((key, i) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = colour(i);
      return h('li', {}, swatch, key ?? '(none)');
    }),
  );
}

function shortTime(key) {
  return key.length > 10 ? key.slice(5, 16).replace('T', ' ') : key.slice(5);
}
