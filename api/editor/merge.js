// Three-way merge of journey documents: the version this page loaded (`base`), the
// page's draft (`mine`) and the version someone else stored since (`theirs`).
// Everything either side changed is kept; where both changed the same field
// differently, the draft's value wins and the field is reported, with theirs.

import { clone, same } from './state.js';

const KEYED = {
  stages: (x) => x.id,
  touchpoints: (x) => x.id,
  outcomes: (x) => x.id,
  personas: (x) => x.id,
  opportunities: (x) => x.id,
  transitions: (x) => `${x.from}->${x.to}`,
};

/** Merge one object field by field; `where` names it in conflict reports. */
function mergeFields(base, mine, theirs, where, conflicts) {
  const out = {};
  const fields = new Set([...Object.keys(theirs), ...Object.keys(mine), ...Object.keys(base)]);
  for (const field of fields) {
    const b = base[field], m = mine[field], t = theirs[field];
    let value;
    if (same(m, b)) value = t;
    else if (same(t, b) || same(m, t)) value = m;
    else {
      value = m;
      conflicts.push({ where: `${where}.${field}`, mine: m, theirs: t });
    }
    if (value !== undefined) out[field] = clone(value);
  }
  return out;
}

/** Merge a list of items with ids. */
function mergeList(base = [], mine = [], theirs = [], key, where, conflicts) {
  const index = (list) => new Map(list.map((x) => [key(x), x]));
  const b = index(base), m = index(mine), t = index(theirs);
  const merged = new Map();
  for (const [k, item] of t) {
    if (b.has(k) && !m.has(k)) {
      if (!same(item, b.get(k))) conflicts.push({ where: `${where} ${k}`, mine: 'deleted', theirs: 'changed' });
      continue; // deleted here
    }
    merged.set(k, m.has(k) ? mergeFields(b.get(k) || {}, m.get(k), item, `${where} ${k}`, conflicts) : item);
  }
  for (const [k, item] of m) {
    if (merged.has(k)) continue;
    if (!b.has(k)) merged.set(k, clone(item)); // added here
    else if (!same(item, b.get(k))) {          // deleted there, changed here: keep it
      merged.set(k, clone(item));
      conflicts.push({ where: `${where} ${k}`, mine: 'changed', theirs: 'deleted' });
    }
  }
  // Order: this page's order if it reordered, else theirs; new items after their predecessor.
  const mineOrder = mine.map(key), baseOrder = base.map(key).filter((k) => mineOrder.includes(k));
  const reordered = !same(mineOrder.filter((k) => b.has(k)), baseOrder);
  const order = reordered ? mineOrder : theirs.map(key);
  const out = order.filter((k) => merged.has(k));
  for (const [i, k] of mineOrder.entries()) {
    if (out.includes(k) || !merged.has(k)) continue;
    const before = mineOrder.slice(0, i).reverse().find((p) => out.includes(p));
    out.splice(before === undefined ? 0 : out.indexOf(before) + 1, 0, k);
  }
  for (const k of merged.keys()) if (!out.includes(k)) out.push(k);
  return out.map((k) => merged.get(k));
}

/** The merged document and the fields both sides changed ({where, mine, theirs}). */
export function merge(base, mine, theirs) {
  const conflicts = [];
  const plain = (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => !(k in KEYED)));
  const doc = mergeFields(plain(base), plain(mine), plain(theirs), 'journey', conflicts);
  for (const [group, key] of Object.entries(KEYED)) {
    const list = mergeList(base[group], mine[group], theirs[group], key, group, conflicts);
    if (list.length || group in theirs || group in mine) doc[group] = list;
  }
  for (const group of ['personas', 'opportunities']) if (doc[group] && !doc[group].length) delete doc[group];
  return { doc, conflicts };
}
