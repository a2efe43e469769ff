// The editor's only way out: this API, at the page's own origin, with the key kept in
// sessionStorage (gone when the tab closes; never in localStorage or a cookie).

const KEY = 'journeymap-api-key';
const ROOT = document.documentElement.dataset.root || '';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY) || '',
  set: (key) => (key ? sessionStorage.setItem(KEY, key) : sessionStorage.removeItem(KEY)),
};

/** The answer of one request: {status, ok, body, version}. Problem documents are bodies too. */
export async function call(method, path, { body, headers = {}, text: raw = false } = {}) {
  const all = { Accept: 'application/json, application/problem+json', ...headers };
  const key = apiKey.get();
  if (key) all.Authorization = `Bearer ${key}`;
  if (body !== undefined) all['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(ROOT + path, {
      method, headers: all, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
  } catch (error) {
    return { status: 0, ok: false, body: { title: 'network error', detail: String(error) } };
  }
  const text = await response.text();
  if (raw && response.ok) return { status: response.status, ok: true, text };
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { detail: text }; }
  const tag = response.headers.get('ETag');
  const version = tag ? Number(tag.replace(/^W\//, '').replace(/"/g, '')) : null;
  return { status: response.status, ok: response.ok, body: parsed, version };
}

export const journeyPath = (id) => `/journeys/${encodeURIComponent(id)}`;
