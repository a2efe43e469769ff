// The editor page: load the journey, edit it (undo/redo), save it with If-Match, show
// the API's problems at their fields, handle a conflicting save, redraw the figures.

import { clearAnalysis, drawAnalysis } from './analysis.js';
import { apiKey, call, journeyPath } from './api.js';
import { fill, h } from './dom.js';
import { placeProblems, renderForm } from './form.js';
import { merge } from './merge.js';
import { Draft, clone, emptyJourney, same } from './state.js';

const $ = (id) => document.getElementById(id);
const match = /\/journeys\/([^/]+)\/edit$/.exec(location.pathname);
const page = {
  id: match ? decodeURIComponent(match[1]) : null, // null: a new journey, not stored yet
  version: null,        // the stored version the draft is based on
  saved: null,          // that version's document (the merge base)
  draft: new Draft(emptyJourney()),
  problems: [],
};
const panels = { summary: $('summary'), paths: $('pain-paths'), curve: $('curve') };

function status(text, kind = 'info') {
  const box = $('status');
  box.className = `status ${kind}`;
  box.textContent = text;
}

function render(focusKey) {
  const active = document.activeElement;
  const key = focusKey || active?.dataset?.key;
  const loc = active?.dataset?.loc;
  renderForm($('form'), page.draft.doc, { isNew: page.version === null, edit });
  showProblems();
  const unsaved = !same(page.draft.doc, page.saved);
  $('undo').disabled = !page.draft.past.length;
  $('redo').disabled = !page.draft.future.length;
  $('unsaved').hidden = !unsaved;
  document.title = `${page.draft.doc.name || 'New journey'} — journey editor`;
  $('title').textContent = page.draft.doc.name || 'New journey';
  $('map-link').hidden = page.version === null;
  const target = (key && document.querySelector(`[data-key="${CSS.escape(key)}"]`))
    || (loc && document.querySelector(`[data-loc="${CSS.escape(loc)}"]`));
  if (target && !target.disabled) target.focus();
  else if (key && key.includes(':')) document.querySelector(`[data-key^="${CSS.escape(key.split(':')[0])}"]`)?.focus();
}

/** One edit of the draft (an undo step), then redraw; a refusal is said, not applied. */
function edit(apply, focusKey) {
  const before = places(page.draft.doc);
  const refusal = page.draft.change(apply);
  // a problem names its place by position: once items move, are added or removed, it may name
  // another item, so the problems are dropped until the next save checks again
  if (page.problems.length && places(page.draft.doc) !== before) {
    page.problems = [];
    status('The lists changed: save to check the journey again.');
  }
  if (refusal) status(refusal, 'error');
  // redraw after the browser has moved focus (Tab), so the focus is kept where it went
  setTimeout(() => render(focusKey), 0);
  return refusal;
}

/** Every list's items in order (ids; from->to for transitions). */
function places(doc) {
  return JSON.stringify(Object.values(doc).filter(Array.isArray).map((list) => list.map(
    (x) => (x && typeof x === 'object' ? x.id ?? `${x.from}->${x.to}` : x))));
}

function showProblems() {
  const list = $('problems');
  const homeless = placeProblems($('form'), page.draft.doc, page.problems);
  fill(list, page.problems.length ? [
    h('h2', {}, `The API refused the journey: ${page.problems.length} problem(s)`),
    h('ul', {}, page.problems.map((p) => h('li', {}, h('code', {}, p.loc || '(journey)'), ' ', p.message,
      homeless.includes(p) ? '' : h('button', { type: 'button', class: 'link', onclick: () => goTo(p.loc) }, 'Go to field')))),
  ] : []);
  list.hidden = !page.problems.length;
}

function goTo(loc) {
  const message = [...document.querySelectorAll('.problem[data-for]')].find((m) => m.dataset.for === loc);
  const field = message?.closest('.field')?.querySelector('input, select, textarea')
    || message?.parentElement?.querySelector('input, select, textarea, button');
  field?.focus();
}

async function refreshAnalysis() {
  if (page.version === null) { clearAnalysis(panels, 'Save the journey to see its figures.'); return; }
  const base = journeyPath(page.id);
  const [analysis, pain, probable] = await Promise.all([
    call('GET', `${base}/analysis`), call('GET', `${base}/paths?k=5&rank=pain`),
    call('GET', `${base}/paths?k=1&rank=probability`)]);
  if (!analysis.ok || !pain.ok || !probable.ok) {
    clearAnalysis(panels, (analysis.ok ? (pain.ok ? probable : pain) : analysis).body?.detail || 'no figures');
    return;
  }
  drawAnalysis(panels, page.saved, analysis.body, pain.body, probable.body);
  $('analysis-version').textContent = `version ${page.version}`;
}

function adopt(answer) {
  page.version = answer.version;
  page.saved = answer.body;
  page.id = answer.body.id;
}

async function load() {
  if (page.id === null) {
    page.saved = emptyJourney();
    render();
    clearAnalysis(panels, 'Save the journey to see its figures.');
    status('A new journey: add stages, touchpoints, outcomes and transitions, then save.');
    return;
  }
  const answer = await call('GET', journeyPath(page.id));
  if (!answer.ok) {
    status(answerText(answer), 'error');
    if (answer.status === 401 || answer.status === 403) $('api-key').focus();
    return;
  }
  adopt(answer);
  page.draft = new Draft(answer.body);
  render();
  status(`Loaded version ${page.version}.`);
  await refreshAnalysis();
}

function answerText(answer) {
  const detail = answer.body?.detail || answer.body?.title || `HTTP ${answer.status}`;
  if (answer.status === 401) return `This API needs a key: type it under "API key". (${detail})`;
  if (answer.status === 403) return `The API key may not do this: ${detail}`;
  return detail;
}

async function save() {
  const doc = page.draft.doc;
  const id = page.version === null ? doc.id : page.id;
  if (!id) {
    page.problems = [{ loc: 'id', rule: 'required', message: 'give the journey an id before saving' }];
    render('journey:id');
    status('Give the journey an id before saving.', 'error');
    return;
  }
  status('Saving…');
  const headers = page.version === null ? { 'If-None-Match': '*' } : { 'If-Match': `"${page.version}"` };
  const answer = await call('PUT', journeyPath(id), { body: doc, headers });
  if (answer.ok) {
    const created = page.version === null;
    adopt(answer);
    page.problems = [];
    page.draft.reset(answer.body);
    if (created) history.replaceState(null, '', `${journeyPath(page.id)}/edit`);
    render();
    status(`Saved as version ${page.version}.`, 'ok');
    await refreshAnalysis();
  } else if (answer.status === 422) {
    page.problems = answer.body.problems || [{ loc: '', rule: 'invalid', message: answer.body.detail }];
    render();
    status(`Not saved: ${answer.body.detail}`, 'error');
    $('problems').querySelector('button')?.focus();
  } else if (answer.status === 412 && page.version === null) {
    page.problems = [{ loc: 'id', rule: 'exists', message: `a journey with the id '${id}' already exists` }];
    render('journey:id');
    status('Not saved: that id is taken.', 'error');
  } else if (answer.status === 412) {
    conflict(answer.body.current_version);
  } else {
    status(`Not saved: ${answerText(answer)}`, 'error');
  }
}

function conflict(current) {
  $('conflict-text').textContent = `It is now at version ${current ?? '?'}; your edits start from version `
    + `${page.version}. Nothing was saved, and your edits are still here.`;
  $('conflict').showModal();
}

async function reloadAndMerge() {
  const answer = await call('GET', journeyPath(page.id));
  if (!answer.ok) { status(answerText(answer), 'error'); return; }
  const { doc, conflicts } = merge(page.saved, page.draft.doc, answer.body);
  adopt(answer);
  page.draft.change((d) => { for (const k of Object.keys(d)) delete d[k]; Object.assign(d, clone(doc)); return null; });
  render();
  await refreshAnalysis();
  const both = conflicts.map((c) => `${c.where} (theirs: ${JSON.stringify(c.theirs)})`).join('; ');
  status(`Merged your edits into version ${page.version}`
    + (both ? `; where both changed the same field yours was kept: ${both}` : '')
    + '. Check and save.', 'ok');
  $('save').focus();
}

/** The saved version's map page (it needs the key, so it is fetched, then saved as a file). */
async function downloadMap() {
  const answer = await call('GET', `${journeyPath(page.id)}/map`, { text: true });
  if (!answer.ok) { status(answerText(answer), 'error'); return; }
  const link = h('a', { href: URL.createObjectURL(new Blob([answer.text], { type: 'text/html' })),
    download: `${page.id}-map.html` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function undoRedo(step) {
  if (page.draft[step]()) render();
}

function setKey(event) {
  event.preventDefault();
  const input = $('api-key');
  apiKey.set(input.value.trim());
  input.value = '';
  keyState();
  // load only what could not be loaded without a key: never replace edits in the page
  if (page.id !== null && page.version === null) load();
  else status('The key is set; save when ready.');
}

function keyState() {
  $('key-state').textContent = apiKey.get() ? 'A key is set for this tab.' : 'No key set.';
  $('forget-key').hidden = !apiKey.get();
}

$('key-form').addEventListener('submit', setKey);
$('forget-key').addEventListener('click', () => { apiKey.set(''); keyState(); });
$('save').addEventListener('click', save);
$('map-link').addEventListener('click', downloadMap);
$('undo').addEventListener('click', () => undoRedo('undo'));
$('redo').addEventListener('click', () => undoRedo('redo'));
$('merge').addEventListener('click', () => { $('conflict').close(); reloadAndMerge(); });
$('keep').addEventListener('click', () => { $('conflict').close(); status('Not saved; your edits are still here.'); });
document.addEventListener('keydown', (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod) return;
  const typing = event.target.matches?.('input[type=text], textarea, input[type=password]');
  if (event.key === 's') { event.preventDefault(); event.target.dispatchEvent?.(new Event('change', { bubbles: true })); setTimeout(save, 0); }
  else if (!typing && event.key.toLowerCase() === 'z') { event.preventDefault(); undoRedo(event.shiftKey ? 'redo' : 'undo'); }
  else if (!typing && event.key === 'y') { event.preventDefault(); undoRedo('redo'); }
});
window.addEventListener('beforeunload', (event) => {
  if (page.saved && !same(page.draft.doc, page.saved)) event.preventDefault();
});
keyState();
load();
