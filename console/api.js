// The console's JSON API, and the address (hash) of each page.

/** GETs an API path with query parameters (empty ones left out); throws the API's own message. */
export async function api(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const query = search.toString();
  const response = await fetch(`/api/${path}${query ? `?${query}` : ''}`, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

let about;
/** What the server says of itself (`/api/info`), asked once. */
export function info() {
  about ??= api('info');
  return about;
}

/** The hash of a page with parameters (empty ones left out). */
export function link(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const query = search.toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

/** The current page: its path parts and parameters. */
export function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: Object.fromEntries(new URLSearchParams(query)) };
}
