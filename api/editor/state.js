// The journey being edited: a plain document (the journey file's fields, as the API
// answers it), changed only through `Draft.change`, which keeps undo and redo steps.

export const clone = (value) => JSON.parse(JSON.stringify(value));
export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function emptyJourney() {
  return { id: '', name: '', stages: [], touchpoints: [], outcomes: [], transitions: [] };
}

/** A journey document with undo/redo. */
export class Draft {
  constructor(doc) {
    this.doc = clone(doc);
    this.past = [];
    this.future = [];
  }

  /** Apply `edit(doc)` to a copy; a step that changes nothing is not recorded. */
  change(edit) {
    const next = clone(this.doc);
    const refusal = edit(next);
    if (typeof refusal === 'string') return refusal;
    if (same(next, this.doc)) return null;
    this.past.push(this.doc);
    this.future = [];
    this.doc = next;
    return null;
  }

  undo() {
    if (!this.past.length) return false;
    this.future.push(this.doc);
    this.doc = this.past.pop();
    return true;
  }

  redo() {
    if (!this.future.length) return false;
    this.past.push(this.doc);
    this.doc = this.future.pop();
    return true;
  }

  /** Replace the document without an undo step (what the server stored after a save). */
  reset(doc) {
    this.doc = clone(doc);
  }
}

/** Set or (for '' / null / undefined) remove a field. */
export function setField(item, field, value) {
  if (value === '' || value === null || value === undefined
      || (Array.isArray(value) && value.length === 0)) delete item[field];
  else item[field] = value;
}

/** A number from a form field: '' is "not given" (null); text that is no number stays text,
 * so the API names the problem at its place. */
export function parseNumber(text) {
  const trimmed = String(text).trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

/** An id suggested by a name: ASCII letters and digits, '_' between words. */
export function slug(name) {
  const text = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '').slice(0, 64);
  return /^[a-z0-9]/.test(text) ? text : '';
}

/** Every id in use by a stage, touchpoint, outcome (or 'entry'). */
export function usedIds(doc) {
  return new Set(['entry', ...['stages', 'touchpoints', 'outcomes'].flatMap(
    (g) => (doc[g] || []).map((x) => x.id))]);
}

/** Move item `index` of `list` by `delta` places (within bounds). */
export function move(list, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= list.length) return;
  const [item] = list.splice(index, 1);
  list.splice(to, 0, item);
}

/** Rename an id everywhere it is referred to. */
export function renameId(doc, group, index, newId) {
  const old = doc[group][index].id;
  doc[group][index].id = newId;
  if (old === newId) return;
  const swap = (value) => (value === old ? newId : value);
  if (group === 'stages') {
    for (const tp of doc.touchpoints) tp.stage = swap(tp.stage);
  } else if (group === 'personas') {
    for (const holder of [...doc.touchpoints, ...doc.transitions]) {
      if (holder.personas) holder.personas = holder.personas.map(swap);
    }
  } else if (group === 'touchpoints' || group === 'outcomes') {
    for (const t of doc.transitions) { t.from = swap(t.from); t.to = swap(t.to); }
    for (const o of doc.opportunities || []) o.touchpoints = (o.touchpoints || []).map(swap);
    for (const v of doc.variants?.top || []) v.nodes = v.nodes.map(swap);
  }
}

/** Drop the observed variants whose walk passes `id` (a deleted node); their customers and
 * walks count in "other", so the totals and every share stay as observed. */
function dropVariants(doc, id) {
  const variants = doc.variants;
  if (!variants?.top) return;
  const gone = variants.top.filter((v) => v.nodes.includes(id));
  if (!gone.length) return;
  variants.top = variants.top.filter((v) => !v.nodes.includes(id));
  variants.other_customers = (variants.other_customers || 0) + gone.reduce((n, v) => n + v.customers, 0);
  variants.other_variants = (variants.other_variants || 0) + gone.length;
}

/** Delete item `index` of `group`; a touchpoint or outcome takes its transitions with it.
 * Returns a refusal (text) when a stage still holds touchpoints. */
export function removeItem(doc, group, index) {
  const item = doc[group][index];
  if (group === 'stages') {
    const held = doc.touchpoints.filter((tp) => tp.stage === item.id).length;
    if (held) return `stage '${item.name}' still holds ${held} touchpoint(s): move or delete them first`;
  }
  doc[group].splice(index, 1);
  if (group === 'touchpoints' || group === 'outcomes') {
    doc.transitions = doc.transitions.filter((t) => t.from !== item.id && t.to !== item.id);
    dropVariants(doc, item.id);
    for (const o of doc.opportunities || []) {
      setField(o, 'touchpoints', (o.touchpoints || []).filter((id) => id !== item.id));
    }
  } else if (group === 'personas') {
    for (const holder of [...doc.touchpoints, ...doc.transitions]) {
      if (holder.personas) setField(holder, 'personas', holder.personas.filter((id) => id !== item.id));
    }
  }
  for (const g of ['personas', 'opportunities']) if (doc[g] && !doc[g].length) delete doc[g];
  return null;
}
