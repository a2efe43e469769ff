// The editing form: the journey's own fields, then stages, touchpoints, outcomes and
// transitions, each an item with its fields and Move up / Move down / Delete buttons,
// and an "add" form under each list.

import { domId, fill, h } from './dom.js';
import { KINDS, PHASES, assign, control, field, valueOf } from './fields.js';
import { move, removeItem, renameId, setField, slug, usedIds } from './state.js';

const nodeName = (x) => `${x.name || x.id} (${x.id})`;
const sources = (doc) => [['entry', 'Entry'], ...doc.touchpoints.map((x) => [x.id, nodeName(x)])];
const targets = (doc) => [...doc.touchpoints, ...doc.outcomes].map((x) => [x.id, nodeName(x)]);
const stages = (doc) => doc.stages.map((x) => [x.id, x.name || x.id]);
const personas = (doc) => (doc.personas || []).map((x) => [x.id, x.name || x.id]);
const touchpoints = (doc) => doc.touchpoints.map((x) => [x.id, x.name || x.id]);
const PERSONAS = { field: 'personas', label: 'Personas', kind: 'multi', options: personas, none: 'no personas yet' };
export const STATUSES = [['idea', 'Idea'], ['planned', 'Planned'], ['in_progress', 'In progress'], ['done', 'Done']];

/** What each list holds: its fields (`add`: asked for by the add form). */
export const GROUPS = {
  personas: {
    title: 'Personas', one: 'persona', optional: true,
    fields: [
      { field: 'name', label: 'Name', add: true },
      { field: 'id', label: 'Id', add: true },
      { field: 'description', label: 'Description', kind: 'textarea', add: true },
    ],
  },
  stages: {
    title: 'Stages', one: 'stage',
    fields: [
      { field: 'name', label: 'Name', add: true },
      { field: 'id', label: 'Id', add: true },
      { field: 'phase', label: 'Phase', kind: 'select', options: PHASES, add: true },
      { field: 'description', label: 'Description', kind: 'textarea' },
    ],
    annotated: true,
  },
  touchpoints: {
    title: 'Touchpoints', one: 'touchpoint',
    fields: [
      { field: 'name', label: 'Name', add: true },
      { field: 'id', label: 'Id', add: true },
      { field: 'stage', label: 'Stage', kind: 'select', options: stages, add: true },
      { field: 'channel', label: 'Channel', add: true },
      { field: 'owner', label: 'Owner', add: true },
      { field: 'lane', label: 'Lane', list: 'lanes', add: true },
      { field: 'experience', label: 'Experience', kind: 'number', add: true },
      { field: 'expectation', label: 'Expectation', kind: 'number', add: true },
      { field: 'importance', label: 'Importance', kind: 'number', add: true },
      { field: 'ideal', label: 'Ideal', kind: 'number', add: true },
      PERSONAS,
      { field: 'description', label: 'Description', kind: 'textarea' },
    ],
    annotated: true,
  },
  outcomes: {
    title: 'Outcomes', one: 'outcome',
    fields: [
      { field: 'name', label: 'Name', add: true },
      { field: 'id', label: 'Id', add: true },
      { field: 'kind', label: 'Kind', kind: 'select', options: KINDS, add: true },
      { field: 'description', label: 'Description', kind: 'textarea' },
    ],
  },
  transitions: {
    title: 'Transitions', one: 'transition',
    fields: [
      { field: 'from', label: 'From', kind: 'select', options: sources, blank: '— from —', add: true },
      { field: 'to', label: 'To', kind: 'select', options: targets, blank: '— to —', add: true },
      { field: 'weight', label: 'Weight', kind: 'select', options: [['customers', 'customers'], ['share', 'share']], add: true },
      { field: 'value', label: 'Value', kind: 'number', add: true },
      PERSONAS,
    ],
  },
  opportunities: {
    title: 'Opportunities', one: 'opportunity', optional: true, name: 'title',
    fields: [
      { field: 'title', label: 'Title', add: true },
      { field: 'id', label: 'Id', add: true },
      { field: 'touchpoints', label: 'Touchpoints', kind: 'multi', options: touchpoints, none: 'no touchpoints yet', add: true },
      { field: 'customer_value', label: 'Customer value (0-100)', kind: 'number', add: true },
      { field: 'business_value', label: 'Business value (0-100)', kind: 'number', add: true },
      { field: 'effort', label: 'Effort (0-5)', kind: 'number', add: true },
      { field: 'status', label: 'Status', kind: 'select', options: STATUSES, add: true },
      { field: 'description', label: 'Description', kind: 'textarea', add: true },
    ],
  },
};
const EVIDENCE = [
  { field: 'kind', label: 'Kind', kind: 'select', options: [['note', 'Note'], ['quote', 'Quote'], ['link', 'Link']] },
  { field: 'text', label: 'Text', kind: 'textarea' },
  { field: 'source', label: 'Source' },
  { field: 'url', label: 'URL' },
];
const opened = new Set(); // the "Notes and evidence" panels left open, kept across redraws

const JOURNEY_FIELDS = [
  { field: 'name', label: 'Journey name' },
  { field: 'description', label: 'Description', kind: 'textarea' },
  { field: 'entrants', label: 'Entrants', kind: 'number' },
];
const SCALE_FIELDS = [
  { field: 'min', label: 'Scale min', kind: 'number' },
  { field: 'max', label: 'Scale max', kind: 'number' },
];

/** A transition's weight shown as two fields (weight kind, value). */
const asRow = (t) => ({ ...t, weight: 'share' in t ? 'share' : 'customers', value: t.share ?? t.customers });

function setTransitionField(t, name, value) {
  const kind = 'share' in t ? 'share' : 'customers';
  if (name === 'weight') {
    const amount = t[kind];
    delete t.customers; delete t.share;
    t[value] = amount;
  } else if (name === 'value') t[kind] = value;
  else setField(t, name, value);
}

function labelOf(group, item, index) {
  if (group === 'transitions') return `${item.from || '?'} → ${item.to || '?'}`;
  return item[GROUPS[group].name || 'name'] || item.id || `${GROUPS[group].one} ${index + 1}`;
}

function itemFieldset(ui, doc, group, index) {
  const spec = GROUPS[group];
  const item = doc[group][index];
  const key = group === 'transitions' ? `${item.from}->${item.to}` : item.id;
  const loc = `${group}[${index}]`;
  const row = group === 'transitions' ? asRow(item) : item;
  const name = labelOf(group, item, index);
  const fields = spec.fields.map((f) => field(f, doc, row, `${loc}.${f.field}`, `${group}:${key}:${f.field}`,
    (value) => ui.edit((d) => {
      const target = d[group][index];
      if (f.field === 'id') {
        if (!value) return 'an id cannot be empty';
        renameId(d, group, index, value);
      } else if (group === 'transitions') setTransitionField(target, f.field, value);
      else assign(target, f, value);
      return null;
    })));
  const button = (action, text, label, apply, disabled) => h('button', {
    type: 'button', class: action, 'data-key': `${group}:${key}:${action}`, 'aria-label': `${label} ${name}`,
    disabled, onclick: () => ui.edit(apply, `${group}:${key}:${action}`),
  }, text);
  const last = doc[group].length - 1;
  const buttons = h('div', { class: 'actions' },
    group === 'transitions' ? null : button('up', '↑ Up', 'Move up', (d) => move(d[group], index, -1), index === 0),
    group === 'transitions' ? null : button('down', '↓ Down', 'Move down', (d) => move(d[group], index, 1), index === last),
    button('delete', 'Delete', 'Delete', (d) => removeItem(d, group, index)));
  const notes = spec.annotated ? annotations(ui, doc, (d) => d[group][index], loc, `${group}:${key}`) : null;
  return h('fieldset', { class: `item ${group}`, 'data-loc': loc, 'data-item': key },
    h('legend', {}, name), fields, notes, buttons);
}

/** The add form under a list; `build(values)` makes the item or returns {field: message}. */
function addForm(ui, doc, group) {
  const spec = GROUPS[group];
  const specs = spec.fields.filter((f) => f.add);
  const controls = new Map();
  const messages = new Map();
  const rows = specs.map((f) => {
    const id = `add-${group}-${f.field}`;
    const input = control(f, doc, defaultFor(group, f, doc), { id, 'data-key': id, name: f.field });
    controls.set(f.field, input);
    const message = h('p', { class: 'problem', id: `${id}-problem`, hidden: true });
    messages.set(f.field, message);
    const label = f.kind === 'multi' ? h('span', { class: 'label', id: `${id}-label` }, f.label) : h('label', { for: id }, f.label);
    if (f.kind === 'multi') input.setAttribute('aria-labelledby', `${id}-label`);
    return h('div', { class: `field ${f.kind || 'text'} f-${f.field}` }, label, input, message);
  });
  const add = () => {
    const values = Object.fromEntries(specs.map((f) => [f.field, valueOf(f, controls.get(f.field))]));
    const made = build(group, values, doc);
    for (const [name, message] of messages) {
      const text = made.errors?.[name];
      message.hidden = !text;
      message.textContent = text || '';
      controls.get(name).setAttribute('aria-invalid', text ? 'true' : 'false');
      if (text) controls.get(name).setAttribute('aria-describedby', message.id);
    }
    if (made.errors) {
      controls.get(Object.keys(made.errors)[0]).focus();
      return;
    }
    ui.edit((d) => { d[group] = [...(d[group] || []), made.item]; return null; }, `add-${group}-${specs[0].field}`);
  };
  return h('fieldset', { class: `add ${group}` }, h('legend', {}, `Add a ${spec.one}`), rows,
    h('div', { class: 'actions' }, h('button', {
      type: 'button', class: 'add-button', id: `add-${group}`, 'data-key': `add-${group}`, onclick: add,
    }, `Add ${spec.one}`)));
}

function defaultFor(group, f, doc) {
  if (group === 'touchpoints' && f.field === 'stage') return doc.stages.at(-1)?.id;
  if (group === 'stages' && f.field === 'phase') return doc.stages.at(-1)?.phase || 'pre_sale';
  if (group === 'transitions' && f.field === 'weight') return 'customers';
  return undefined;
}

/** A new item from the add form's values, or the problems with them. */
function build(group, values, doc) {
  const errors = {};
  if (group === 'transitions') {
    if (!values.from) errors.from = 'pick where customers come from';
    if (!values.to) errors.to = 'pick where they go';
    if (values.value === null) errors.value = 'give the customers or the share';
    const item = { from: values.from, to: values.to, [values.weight]: values.value };
    return Object.keys(errors).length ? { errors } : { item };
  }
  const named = GROUPS[group].name || 'name';
  if (!values[named]) errors[named] = `give a ${named}`;
  const id = values.id || slug(values[named] || '');
  if (!id) errors.id = 'give an id (lowercase letters, digits, _ or -)';
  else if (GROUPS[group].optional ? (doc[group] || []).some((x) => x.id === id) : usedIds(doc).has(id)) {
    errors.id = `the id '${id}' is already used`;
  }
  if (group === 'touchpoints' && !values.stage) errors.stage = 'add a stage first';
  if (group === 'touchpoints' && values.experience === null) errors.experience = 'give the experience score';
  if (Object.keys(errors).length) return { errors };
  const item = { id };
  for (const [name, value] of Object.entries(values)) if (name !== 'id') setField(item, name, value);
  return { item };
}

function journeyFields(ui, doc) {
  const idField = ui.isNew
    ? field({ field: 'id', label: 'Journey id' }, doc, doc, 'id', 'journey:id',
      (value) => ui.edit((d) => { setField(d, 'id', value); d.id = d.id || ''; return null; }))
    : h('p', { class: 'journey-id' }, 'Id: ', h('code', {}, doc.id));
  const own = JOURNEY_FIELDS.map((f) => field(f, doc, doc, f.field, `journey:${f.field}`,
    (value) => ui.edit((d) => { assign(d, f, value); return null; })));
  const scale = SCALE_FIELDS.map((f) => field(f, doc, doc.scale || {}, `scale.${f.field}`, `journey:scale.${f.field}`,
    (value) => ui.edit((d) => {
      d.scale = d.scale || {};
      assign(d.scale, f, value);
      if (!Object.keys(d.scale).length) delete d.scale;
      return null;
    })));
  return h('fieldset', { class: 'journey', 'data-loc': '' }, h('legend', {}, 'Journey'), idField, own,
    h('div', { class: 'scale', 'data-loc': 'scale' }, scale), annotations(ui, doc, (d) => d, '', 'journey'));
}

/** Notes and evidence of the journey, a stage or a touchpoint (`holder(doc)` finds it). */
function annotations(ui, doc, holder, loc, key) {
  const item = holder(doc);
  const at = (field) => (loc ? `${loc}.${field}` : field);
  const evidence = item.evidence || [];
  const change = (apply) => (value) => ui.edit((d) => { apply(holder(d), value); return null; });
  const notes = field({ field: 'notes', label: 'Notes', kind: 'textarea' }, doc, item, at('notes'), `${key}:notes`,
    change((target, value) => setField(target, 'notes', value)));
  const rows = evidence.map((piece, i) => h('fieldset', { class: 'evidence', 'data-loc': at(`evidence[${i}]`) },
    h('legend', {}, `Evidence ${i + 1}`),
    EVIDENCE.map((f) => field(f, doc, piece, at(`evidence[${i}].${f.field}`), `${key}:evidence:${i}:${f.field}`,
      change((target, value) => setField(target.evidence[i], f.field, value)))),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', 'data-key': `${key}:evidence:${i}:delete`, 'aria-label': `Delete evidence ${i + 1}`,
      onclick: () => ui.edit((d) => { const t = holder(d); t.evidence.splice(i, 1); setField(t, 'evidence', t.evidence); return null; }),
    }, 'Delete'))));
  const id = `add-evidence-${key.replace(/[^a-z0-9_-]/gi, '-')}`;
  const add = h('button', {
    type: 'button', id, 'data-key': id,
    onclick: () => ui.edit((d) => { const t = holder(d); t.evidence = [...(t.evidence || []), { kind: 'note', text: '' }]; return null; },
      `${key}:evidence:${evidence.length}:text`),
  }, 'Add evidence');
  const details = h('details', { class: 'annotations', 'data-key': `${key}:details`, open: opened.has(key) || undefined },
    h('summary', {}, `Notes and evidence${item.notes ? ' · notes' : ''}${evidence.length ? ` · ${evidence.length} evidence` : ''}`),
    notes, rows, h('div', { class: 'actions' }, add));
  details.addEventListener('toggle', () => (details.open ? opened.add(key) : opened.delete(key)));
  return details;
}

/** Draw the whole form for `doc` into `root`. */
export function renderForm(root, doc, ui) {
  const sections = Object.keys(GROUPS).map((group) => {
    const heading = `h-${group}`;
    return h('section', { class: `group ${group}`, 'aria-labelledby': heading, 'data-loc': group },
      h('h2', { id: heading }, `${GROUPS[group].title} `, h('small', {}, `(${(doc[group] || []).length})`)),
      h('div', { class: 'items' }, (doc[group] || []).map((_, i) => itemFieldset(ui, doc, group, i))),
      addForm(ui, doc, group));
  });
  fill(root, journeyFields(ui, doc), sections);
}

/** Put each problem next to the field it names (or the nearest enclosing place);
 * returns those that found no place. */
export function placeProblems(root, doc, problems) {
  const homeless = [];
  for (const [n, problem] of problems.entries()) {
    const target = placeOf(root, doc, problem.loc);
    if (!target) { homeless.push(problem); continue; }
    const message = h('p', { class: 'problem', id: `problem-${n}`, 'data-rule': problem.rule },
      problem.message, h('span', { class: 'rule' }, ` [${problem.rule}]`));
    const container = target.closest('.field');
    if (container) container.append(message);
    else target.prepend(message);
    const focusable = target.matches('input, select, textarea') ? target : null;
    if (focusable) {
      focusable.setAttribute('aria-invalid', 'true');
      focusable.setAttribute('aria-describedby', message.id);
    }
    message.dataset.for = problem.loc;
  }
  return homeless;
}

function placeOf(root, doc, loc) {
  const bySource = /^transitions\(from=(.*)\)$/.exec(loc);
  if (bySource) {
    const index = doc.transitions.findIndex((t) => t.from === bySource[1]);
    loc = index >= 0 ? `transitions[${index}]` : 'transitions';
  }
  if (loc === 'entry') loc = 'transitions';
  for (let place = loc; ; place = place.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const found = root.querySelector(`[data-loc="${CSS.escape(place)}"]`);
    if (found) return found;
    if (!/(\.[^.[\]]*|\[\d+\])$/.test(place)) return null;
  }
}

export { domId };
