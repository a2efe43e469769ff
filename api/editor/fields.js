// Form controls for one field of the journey: a label, the control, and room for the
// problem the API names at that place (`data-loc`, e.g. touchpoints[2].experience).

import { domId, h } from './dom.js';
import { parseNumber, setField } from './state.js';

export const PHASES = [['pre_sale', 'Pre-sale'], ['sale', 'Sale'], ['after_sale', 'After sale']];
export const KINDS = [['success', 'Success'], ['failure', 'Failure']];

/** The text a control shows for a value. */
const shown = (value) => (value === undefined || value === null ? '' : String(value));

/** The value a control holds, as the journey file wants it. */
export function valueOf(spec, control) {
  if (spec.kind === 'number') return parseNumber(control.value);
  if (spec.kind === 'multi') return [...control.querySelectorAll('input:checked')].map((c) => c.value);
  return spec.kind === 'textarea' ? control.value : control.value.trim();
}

function options(spec, doc, value) {
  const choices = typeof spec.options === 'function' ? spec.options(doc) : spec.options;
  const list = spec.blank ? [['', spec.blank], ...choices] : choices;
  if (value && !list.some(([v]) => v === value)) list.push([value, `${value} (unknown)`]);
  return list.map(([v, label]) => h('option', { value: v, selected: v === shown(value) }, label));
}

/** The bare control for `spec` showing `value`. */
export function control(spec, doc, value, attrs) {
  if (spec.kind === 'select') return h('select', attrs, options(spec, doc, value));
  if (spec.kind === 'textarea') return h('textarea', { ...attrs, rows: 2, value: shown(value) });
  if (spec.kind === 'multi') {
    const choices = spec.options(doc);
    if (!choices.length) return h('span', { ...attrs, class: 'none' }, spec.none);
    return h('span', { ...attrs, role: 'group', class: 'multi' }, choices.map(([v, label]) => h('label', {},
      h('input', { type: 'checkbox', value: v, checked: (value || []).includes(v), 'data-key': `${attrs['data-key']}:${v}` }),
      ` ${label}`)));
  }
  const numeric = spec.kind === 'number';
  return h('input', {
    ...attrs, type: 'text', value: shown(value), inputmode: numeric ? 'decimal' : undefined,
    list: spec.list, autocomplete: 'off', spellcheck: numeric || spec.field === 'id' ? 'false' : undefined,
    class: numeric ? 'number' : undefined,
  });
}

/** A labelled field of an item already in the journey; a change commits through `commit`. */
export function field(spec, doc, item, loc, key, commit) {
  const id = domId(loc);
  const attrs = { id, 'data-loc': loc, 'data-key': key, name: spec.field };
  const input = control(spec, doc, item[spec.field], attrs);
  input.addEventListener('change', () => commit(valueOf(spec, input)));
  const label = spec.kind === 'multi'
    ? h('span', { class: 'label', id: `${id}-label` }, spec.label)
    : h('label', { for: id }, spec.label);
  if (spec.kind === 'multi') input.setAttribute('aria-labelledby', `${id}-label`);
  return h('div', { class: `field ${spec.kind || 'text'} f-${spec.field}` }, label, input);
}

/** Set a field of a plain item from a control's value. */
export function assign(item, spec, value) {
  setField(item, spec.field, value);
}
