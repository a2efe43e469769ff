// The figures of the saved journey, redrawn after every save from the API's
// /analysis and /paths: the summary, the top pain paths and the emotion curve
// along the most probable path (satisfaction and carried experience per step).

import { fill, h, s } from './dom.js';

const percent = (p) => `${(100 * p).toFixed(1)}%`;
const number = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toFixed(2)).toString());
const count = (x) => Math.round(x).toLocaleString('en');

function namesOf(doc) {
  const names = new Map([['entry', 'Entry']]);
  for (const group of ['touchpoints', 'outcomes']) for (const x of doc[group] || []) names.set(x.id, x.name);
  return names;
}

function summary(doc, analysis) {
  const rows = [
    ['Entrants', count(analysis.entrants)],
    ['Success', percent(analysis.success_probability)],
    ['Expected pain / entrant', number(analysis.expected_pain)],
    ['Touchpoints', String((doc.touchpoints || []).length)],
  ];
  const names = namesOf(doc);
  for (const [id, share] of Object.entries(analysis.outcomes)) rows.push([`→ ${names.get(id) || id}`, percent(share)]);
  return h('table', { class: 'summary' },
    h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

function painPaths(doc, paths) {
  if (!paths.length) return h('p', { class: 'empty' }, 'No path from entry to an outcome.');
  const names = namesOf(doc);
  return h('ol', { class: 'paths' }, paths.map((p) => h('li', { 'data-path-rank': p.rank },
    h('span', { class: 'figures' },
      `#${p.rank} · ${count(p.customers)} customers · pain ${number(p.pain)} · pain mass ${number(p.pain_mass)}`),
    h('span', { class: 'route' }, p.nodes.slice(1).map((n) => names.get(n) || n).join(' → ')))));
}

/** The emotion curve: one column per touchpoint of the path, names as SVG text. */
function curve(doc, analysis, path) {
  const names = namesOf(doc);
  const rows = new Map(analysis.touchpoints.map((row) => [row.touchpoint, row]));
  const steps = path.nodes.filter((n) => rows.has(n)).map((n) => ({
    id: n, name: names.get(n) || n, ...rows.get(n),
  }));
  const spacing = 110, left = 48, top = 16, plot = 120;
  const width = Math.max(360, left + spacing * (steps.length + 1));
  const peak = Math.max(1, ...steps.flatMap((x) => [Math.abs(x.satisfaction), Math.abs(x.carried)]));
  const mid = top + plot / 2;
  const y = (v) => mid - (v / peak) * (plot / 2 - 6);
  const xs = steps.map((_, i) => left + spacing * (i + 0.5));
  const line = (field) => xs.map((x, i) => `${x.toFixed(1)},${y(steps[i][field]).toFixed(1)}`).join(' ');
  const end = names.get(path.nodes[path.nodes.length - 1]);
  return s('svg', {
    class: 'curve', width, height: 210, viewBox: `0 0 ${width} 210`, role: 'img',
    'aria-label': 'Emotion curve along the most probable path',
  },
  s('line', { class: 'zero', x1: left - 8, x2: width - 10, y1: mid, y2: mid }),
  s('text', { class: 'axis', x: left - 12, y: y(peak) + 4, 'text-anchor': 'end' }, number(peak)),
  s('text', { class: 'axis', x: left - 12, y: mid + 4, 'text-anchor': 'end' }, '0'),
  s('text', { class: 'axis', x: left - 12, y: y(-peak) + 4, 'text-anchor': 'end' }, number(-peak)),
  s('polyline', { class: 'series satisfaction', points: line('satisfaction') }),
  s('polyline', { class: 'series carried', points: line('carried') }),
  steps.map((step, i) => s('g', { class: 'curve-point', 'data-curve-touchpoint': step.id },
    s('title', {}, `${step.name}: satisfaction ${number(step.satisfaction)}, carried ${number(step.carried)}`),
    s('circle', { class: 'satisfaction', cx: xs[i], cy: y(step.satisfaction), r: 5 }),
    s('rect', { class: 'carried', x: xs[i] - 4, y: y(step.carried) - 4, width: 8, height: 8 }),
    s('text', { class: 'step', x: xs[i], y: top + plot + 24, 'text-anchor': 'middle' }, step.name.slice(0, 18)))),
  end ? s('text', { class: 'step end', x: left + spacing * (steps.length + 0.5), y: mid + 4,
    'text-anchor': 'middle' }, `→ ${end.slice(0, 16)}`) : null);
}

/** Draw the three panels for the saved `doc` from the API's answers. */
export function drawAnalysis(panels, doc, analysis, painRanked, mostProbable) {
  fill(panels.summary, summary(doc, analysis));
  fill(panels.paths, painPaths(doc, painRanked.paths));
  const path = mostProbable.paths[0];
  fill(panels.curve, path ? curve(doc, analysis, path) : h('p', { class: 'empty' }, 'No path to draw.'));
}

/** Say why there are no figures (e.g. the journey is not saved yet). */
export function clearAnalysis(panels, why) {
  for (const panel of Object.values(panels)) fill(panel, h('p', { class: 'empty' }, why));
}
