// api: the only module that talks to the server (docs/api.md). It keeps the
// session's CSRF token, sends it on every change, and turns error bodies
// {"error":{"code","message","field"}} into ApiError.
const BASE = '/api/v1';
let csrfToken = null;
let onUnauthenticated = null;

export class ApiError extends Error {
  constructor(status, body, headers) {
    const err = (body && body.error) || {};
    super(err.message || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || (status === 0 ? 'network' : 'internal');
    this.field = err.field || null;
    this.allowed = Array.isArray(err.allowed) ? err.allowed : null; // 409 invalid_transition
    this.matches = Array.isArray(err.matches) ? err.matches : null; // 409 possible_duplicate
    this.partner = err.partner && typeof err.partner === 'object' ? err.partner : null; // 409 conflict on an identifier
    this.retryAfter = headers ? Number(headers.get('Retry-After')) || null : null;
  }
}

export function setCsrf(token) { csrfToken = token || null; }

// Called (once per request) when a signed-in request answers 401: the
// session ended. The app sends the user to the sign-in page.
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

export async function request(method, path, body, { signal, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: { code: 'network', message: e.message } });
  }
  if (res.status === 204) return null;
  let json = null;
  const text = await res.text();
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, json, res.headers);
    if (res.status === 401 && !quiet401 && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return json;
}

export const get = (p, o) => request('GET', p, undefined, o);
export const post = (p, b, o) => request('POST', p, b, o);
export const patch = (p, b, o) => request('PATCH', p, b, o);
export const put = (p, b, o) => request('PUT', p, b, o);
export const del = (p, o) => request('DELETE', p, undefined, o);

// A query string from an object, skipping empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Sends a file as the raw request body (POST path?filename=…, with the
// file's own Content-Type and the CSRF token). XMLHttpRequest rather than
// fetch, for upload progress: onProgress(sent, total). Resolves with the
// JSON answer or rejects with ApiError like request().
export function upload(path, file, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const sep = path.includes('?') ? '&' : '?';
    xhr.open('POST', `${BASE}${path}${sep}filename=${encodeURIComponent(file.name)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    if (onProgress) xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    const headers = { get: (n) => xhr.getResponseHeader(n) };
    xhr.addEventListener('load', () => {
      let json = null;
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(json); return; }
      const err = new ApiError(xhr.status, json, headers);
      if (xhr.status === 413) err.code = 'too_large';
      if (xhr.status === 401 && onUnauthenticated) onUnauthenticated(err);
      reject(err);
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { error: { code: 'network', message: 'network error' } })));
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
