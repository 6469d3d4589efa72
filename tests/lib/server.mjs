// Starts a real `liaison serve` on a free loopback port with a fresh database,
// for the API and browser tests. Nothing here is mocked: the binary, the
// database and the HTTP server are the product's own.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.LIAISON_BIN || join(root, 'build', 'liaison');
export const PASSWORD = 'correct horse battery staple';
export const STAFF_ROLES = ['admin', 'manager', 'liaison', 'coordinator', 'clinician'];

// The PostgreSQL pass: LIAISON_TEST_PG_DIR names the folder of a cluster
// started by `scripts/pg start DIR` (its URL is in DIR/url), or
// LIAISON_TEST_PG_URL gives the URL itself. Each server then gets a database
// of its own, created here and dropped when it stops.
export function pgAdminUrl() {
  if (process.env.LIAISON_TEST_PG_URL) return process.env.LIAISON_TEST_PG_URL;
  const d = process.env.LIAISON_TEST_PG_DIR;
  if (!d) return null;
  return readFileSync(join(d, 'url'), 'utf8').trim();
}

export const isPostgres = (db) => /^postgres(ql)?:\/\//.test(db);

export function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', url, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}

export function createPgDatabase() {
  const name = `liaison_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  psql(pgAdminUrl(), `CREATE DATABASE ${name}`);
  const u = new URL(pgAdminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export function dropPgDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  psql(pgAdminUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

// Runs the CLI synchronously; returns {status, stdout, stderr}.
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Adds a user through the CLI; returns its id.
export function addUser(db, role, email, { password = PASSWORD, name, partner } = {}) {
  const args = ['user', 'add', '--db', db, '--email', email, '--name', name || `Test ${role}`, '--role', role, '--password-stdin'];
  if (partner !== undefined) args.push('--partner', String(partner));
  const r = cli(args, { input: password + '\n' });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

// Starts a server. Options: db (a path or URL; default a fresh SQLite file,
// or LIAISON_TEST_DB_URL when set, for the PostgreSQL pass), args (extra
// serve arguments), users (create one user per staff role; default true).
// Returns {url, db, dir, proc, log(), stop()}; users are <role>@test.local.
export async function startServer({ db, args = [], users = true, demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-test-'));
  let dropDb = null;
  if (!db && pgAdminUrl()) {
    db = createPgDatabase();
    dropDb = db;
  }
  db = db || join(dir, 'test.db');
  let r = cli(['init', '--db', db]);
  if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  if (users) for (const role of STAFF_ROLES) addUser(db, role, `${role}@test.local`);
  const serveArgs = ['serve', '--db', db, '--listen', '127.0.0.1:0', ...args];
  if (demo) serveArgs.push('--demo');
  const proc = spawn(BIN, serveArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 30000);
    const check = () => {
      const m = out.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}\n${err}`)); });
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    url, db, dir, proc,
    log: () => err,
    stdout: () => out,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const res = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (dropDb) dropPgDatabase(dropDb);
      // A clean shutdown exits 0; under the sanitizers a leak or an error
      // report makes it non-zero, and that fails the test file.
      if (res.code !== 0 && !this.allowUncleanExit) {
        throw new Error(`server exited with ${res.code ?? res.signal}:\n${err.slice(-4000)}`);
      }
      return res;
    },
  };
}

// A small client that keeps the session cookie and CSRF token like a browser.
export class Client {
  constructor(url) { this.url = url; this.cookie = null; this.csrf = null; this.bearer = null; }

  async request(method, path, body, { headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = raw ? body : JSON.stringify(body);
      if (!('content-type' in h)) h['content-type'] = 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = setCookie.match(/liaison_session=([^;]*)/);
      if (m) this.cookie = m[1] ? `liaison_session=${m[1]}` : null;
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  get(p, o) { return this.request('GET', p, undefined, o); }
  post(p, b, o) { return this.request('POST', p, b, o); }
  patch(p, b, o) { return this.request('PATCH', p, b, o); }
  put(p, b, o) { return this.request('PUT', p, b, o); }
  del(p, o) { return this.request('DELETE', p, undefined, o); }

  async signIn(email, password = PASSWORD) {
    const r = await this.post('/api/v1/session', { email, password });
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
}

// Signs in as <role>@test.local; throws unless it works.
export async function signedIn(url, role) {
  const c = new Client(url);
  const r = await c.signIn(`${role}@test.local`);
  if (r.status !== 200) throw new Error(`sign-in as ${role} failed: ${r.status} ${r.text}`);
  return c;
}
