// liaison serve on a free loopback port; start-up timing; memory; sign-in.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort, sleep, start, stop } from './proc.mjs';

// The server's log (one access line per request) goes to logFile.
export async function startLiaison(bin, db, logFile, { extraArgs = [] } = {}) {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const t0 = process.hrtime.bigint();
  const proc = start(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...extraArgs], { logFd: fd });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  // Poll /healthz as fast as a client would: the first 200 is "up".
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`liaison serve exited ${proc.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) {
        await r.arrayBuffer();
        const startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
        return { proc, url, port, startupMs, stop: () => stop(proc) };
      }
    } catch { /* not listening yet */ }
    if (Number(process.hrtime.bigint() - t0) > 120e9) throw new Error('liaison serve did not answer /healthz within 120 s');
    await sleep(1);
  }
}

// VmHWM (peak resident set) and VmRSS of a process, in MiB.
export function memory(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => { const m = s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')); return m ? Number(m[1]) / 1024 : null; };
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

// Signs in with a password and creates a bearer API token (POST /api/v1/tokens).
export async function bearerToken(url, email, password) {
  const s = await fetch(`${url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (s.status !== 200) throw new Error(`sign-in as ${email}: ${s.status} ${await s.text()}`);
  const cookie = s.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await s.json();
  const t = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify({ name: 'make bench', expires_in_days: 1 }),
  });
  if (t.status !== 201) throw new Error(`token for ${email}: ${t.status} ${await t.text()}`);
  return (await t.json()).token;
}

// GET with the token: status, body bytes and headers.
export async function get(url, token) {
  const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()), headers: r.headers };
}
