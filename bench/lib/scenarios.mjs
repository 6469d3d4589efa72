// The scenarios of `make bench` (issue #6), in the order they run and print.
//
// A scenario is {id, title, engines, target, path(ctx), load(ctx, s),
// baseline?(ctx, s)}: load() runs the Liaison side once (wrk), baseline()
// the baseline once, each answering {rps, p50, p99 (ms), settings};
// runScenario() alternates them ctx.repeats times and summarises (median,
// min, max). A scenario whose feature does not exist yet has `pending`
// instead: a probe of the binary (a route in `liaison help routes`, or a
// command) — while the probe fails its row prints "not yet implemented"; once
// it succeeds the row says the scenario still has to be written here.
// Adding one: write its path/load (and baseline), remove `pending`.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withSignInFlood, withSlowClients } from './abuse.mjs';
import { run } from './proc.mjs';
import { summarise, wrk } from './wrk.mjs';

const bearer = (ctx, who) => ({ Authorization: `Bearer ${ctx.tokens[who]}` });

export const scenarios = [
  {
    id: 'read',
    title: 'read one partner (GET /api/v1/partners/{id}, bearer)',
    engines: ['sqlite', 'postgresql'],
    target: { ratio: 0.6, p99: 5 },
    readLoad: true,
    path: (ctx) => `/api/v1/partners/${ctx.partnerId}`,
    load: (ctx, d) => wrk(ctx.url + ctx.path, { headers: bearer(ctx, 'coordinator'), duration: d }),
    baseline: (ctx, d) => wrk(ctx.nginx.url + ctx.path, { headers: bearer(ctx, 'coordinator'), duration: d }),
  },
  {
    id: 'list',
    title: "list a partner's referrals (?partner_id=&limit=50)",
    engines: ['sqlite', 'postgresql'],
    target: { ratio: 0.25 },
    readLoad: true,
    path: (ctx) => `/api/v1/referrals?partner_id=${ctx.partnerId}&limit=50`,
    load: (ctx, d) => wrk(ctx.url + ctx.path, { headers: bearer(ctx, 'coordinator'), duration: d }),
    baseline: (ctx, d) => wrk(ctx.nginx.url + ctx.path, { headers: bearer(ctx, 'coordinator'), duration: d }),
  },
  {
    id: 'worklist',
    title: 'worklist of a liaison with 200 partners, p99 (1 connection)',
    engines: ['sqlite'],
    target: { p99: 20 },
    readLoad: true,
    path: () => '/api/v1/worklist',
    load: (ctx, d) => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'liaison'), duration: d }),
  },
  {
    id: 'chart',
    title: "one partner's monthly referral chart, 24 months, p99 (1 connection)",
    engines: ['sqlite', 'postgresql'],
    target: { p99: 2 },
    path: (ctx) => `/api/v1/analytics/volume?partner_id=${ctx.partnerId}`,
    load: (ctx, d) => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }),
  },
  {
    id: 'analytics',
    title: 'every analytics endpoint (volume: everyone, one specialty), p99 (1 connection)',
    engines: ['sqlite', 'postgresql'],
    target: { p99: 50 },
    path: () => '/api/v1/analytics/volume',
    // Each endpoint in turn; the row reports the worst p99 of them.
    load: async (ctx, d) => {
      const runs = [];
      for (const q of ['', `?specialty=${encodeURIComponent(ctx.specialty || 'Cardiology')}`, '?from=2024-01&to=2026-12'])
        runs.push(await wrk(ctx.url + ctx.path + q, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }));
      const worst = runs.reduce((a, b) => ((b.p99 ?? 0) > (a.p99 ?? 0) ? b : a));
      return { ...worst, settings: `${worst.settings}; 3 endpoints, worst p99 shown` };
    },
  },
  {
    id: 'interaction',
    title: 'log an interaction (POST /api/v1/interactions), durable',
    engines: ['sqlite', 'postgresql'],
    target: { ratio: 0.5 },
    path: () => '/api/v1/interactions',
    load: (ctx, d) => wrk(ctx.url + ctx.path, { method: 'POST', bodyFile: ctx.bodyFiles.interaction, headers: bearer(ctx, 'coordinator'), duration: d }),
    sqliteOnlyBaseline: true,
    baseline: (ctx, d) => cLoop(ctx, 'interactions', d),
  },
  {
    // Issue 11: slow clients are cut off. The normal client's p99 with 1,000
    // connections trickling a request head (one byte every 2 s, from 8 other
    // loopback addresses, reopened when the server cuts them), against the
    // same client with none, in the same run.
    id: 'slow',
    title: 'read one partner with 1,000 slow clients trickling their heads, p99 (1 connection)',
    engines: ['sqlite'],
    target: { p99: 100 },
    baselineName: 'no slow clients',
    path: (ctx) => `/api/v1/partners/${ctx.partnerId}`,
    load: async (ctx, d) => {
      const { result, cut, open } = await withSlowClients(ctx.url, 1000,
        () => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }));
      return { ...result, settings: `${result.settings}; 1,000 slow clients (${open} open at the end, ${cut} cut off by the server meanwhile)` };
    },
    baseline: (ctx, d) => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }),
  },
  {
    // Issue 11: password hashing does not take the workers. Other requests'
    // p99 while 32 clients sign in back to back (half right, half wrong
    // passwords), against the same requests with no sign-ins, same run.
    id: 'signin',
    title: 'read one partner during a flood of sign-ins (32 clients), p99 (1 connection)',
    engines: ['sqlite'],
    target: { p99: 50 },
    baselineName: 'no sign-ins',
    path: (ctx) => `/api/v1/partners/${ctx.partnerId}`,
    load: async (ctx, d) => {
      const { result, statuses } = await withSignInFlood(ctx.url, 32, 'manager@bench.liaison.test', ctx.password,
        () => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }));
      const seen = Object.entries(statuses).map(([k, v]) => `${v} × ${k}`).join(', ');
      return { ...result, settings: `${result.settings}; sign-ins meanwhile: ${seen}` };
    },
    baseline: (ctx, d) => wrk(ctx.url + ctx.path, { profile: 'latency', headers: bearer(ctx, 'coordinator'), duration: d }),
  },
  {
    id: 'import',
    title: 'import 1M referrals from CSV (liaison import referrals)',
    engines: ['sqlite'],
    target: { ratio: 0.5 },
    baselineName: 'sqlite3 .import',
    path: () => '',
    run: (ctx) => importScenario(ctx),
  },
  {
    id: 'partner',
    title: 'create a partner (POST /api/v1/partners), durable',
    engines: ['sqlite'],
    target: {}, // not in the table: reported
    path: () => '/api/v1/partners',
    load: (ctx, d) => wrk(ctx.url + ctx.path, { method: 'POST', bodyFile: ctx.bodyFiles.partner, headers: bearer(ctx, 'coordinator'), duration: d }),
    sqliteOnlyBaseline: true,
    baseline: (ctx, d) => cLoop(ctx, 'partners', d),
  },
];

// The durable-write baseline (bench/write_baseline.c) on the same database
// file: it inserts the row the server wrote last into `table` (the same
// values; the columns holding the server's "now" take the loop's time), one
// transaction each. After the first measured run the row it wrote is
// compared with the server's.
function cLoop(ctx, table, d) {
  const server = ctx.lastRow(table);
  const now = server.created_at;
  const cols = Object.keys(server).filter((c) => c !== 'id');
  const lit = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => (server[c] === now ? '?1' : lit(server[c]))).join(', ')})`;
  const out = run(ctx.bin.writeBaseline, [ctx.db, String(d ?? ctx.duration), sql]);
  const m = out.match(/writes (\d+) seconds ([\d.]+) rate ([\d.]+)/);
  if (d === undefined && !ctx.checkedRows?.[table]) {
    const mine = ctx.lastRow(table);
    const strip = (r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([c, v]) => c !== 'id' && server[c] !== now)));
    if (strip(mine) !== strip(server)) throw new Error(`the C loop's ${table} row differs from the server's:\n${strip(server)}\n${strip(mine)}`);
    (ctx.checkedRows ||= {})[table] = true;
  }
  return { rps: Number(m[3]), p50: null, p99: null, settings: `C loop: 1 connection, prepared INSERT, BEGIN IMMEDIATE + COMMIT each, ${d ?? ctx.duration}s` };
}

const stats = (runs) => ({ rps: summarise(runs, 'rps'), p99: summarise(runs, 'p99'), p50: summarise(runs, 'p50'), settings: runs[0]?.settings });

// Liaison and its baseline alternately, ctx.repeats times each, after one
// short warm-up of each (not counted).
export async function runScenario(sc, ctx) {
  if (sc.run) return sc.run(ctx);
  ctx.path = sc.path(ctx);
  const base = sc.baseline && !(sc.sqliteOnlyBaseline && ctx.engine !== 'sqlite') ? sc.baseline : null;
  await sc.load(ctx, 2);
  if (base) await base(ctx, 2);
  const a = [], b = [];
  for (let i = 0; i < ctx.repeats; i++) {
    a.push(await sc.load(ctx));
    if (base) b.push(await base(ctx));
  }
  return { liaison: stats(a), baseline: b.length ? stats(b) : null };
}

// Probes a pending scenario against the binary: true when its feature exists.
export function featureExists(bin, pending) {
  if (pending.route) return pending.route.test(run(bin, ['help', 'routes']));
  if (pending.command) {
    try { run(bin, ['help', pending.command]); return true; } catch { return false; }
  }
  return false;
}

// Import: the importer's own CSV format (tests/data/gen_import_csv.mjs, the
// generator of docs/import.md: realistic rows, Arabic and English names, a
// few partners sending most) with SCALE × 1,000,000 referrals, imported into
// a fresh database holding its 500 partners — against the sqlite3 tool's
// .import of the same file into a bare table of a fresh file. Wall-clock
// time of each whole command; ctx.repeats runs each, alternating.
async function importScenario(ctx) {
  const root = resolve(import.meta.dirname, '..', '..');
  const dir = join(ctx.work, 'import');
  mkdirSync(dir, { recursive: true });
  const rows = Math.max(1000, Math.round(1_000_000 * ctx.scale));
  const partners = join(dir, 'partners.csv'), referrals = join(dir, `referrals-${rows}.csv`);
  const gen = join(root, 'tests', 'data', 'gen_import_csv.mjs');
  if (!existsSync(partners)) run('node', [gen, 'partners', '500', partners]);
  if (!existsSync(referrals)) run('node', [gen, 'referrals', String(rows), referrals, '500']);
  const db = join(dir, 'import.db'), bare = join(dir, 'bare.db');
  const clean = (f) => { for (const x of [f, `${f}-wal`, `${f}-shm`, `${f}-journal`]) rmSync(x, { force: true }); };
  const timed = (cmd, args) => { const t = process.hrtime.bigint(); run(cmd, args); return Number(process.hrtime.bigint() - t) / 1e9; };
  const a = [], b = [];
  for (let i = 0; i < ctx.repeats; i++) {
    clean(db);
    run(ctx.bin.liaison, ['init', '--db', db]);
    run(ctx.bin.liaison, ['import', 'partners', partners, '--db', db]);
    const s1 = timed(ctx.bin.liaison, ['import', 'referrals', referrals, '--db', db]);
    a.push({ rps: rows / s1, p50: null, p99: null, settings: `liaison import referrals: ${rows.toLocaleString('en-US')} rows, ${s1.toFixed(1)} s (one transaction, validated, patients matched, events, audit)` });
    clean(bare);
    const s2 = timed('sqlite3', [bare, '-cmd', '.mode csv', `.import ${referrals} t`]);
    b.push({ rps: rows / s2, p50: null, p99: null, settings: `sqlite3 .import into a bare table: ${s2.toFixed(1)} s` });
  }
  clean(db);
  clean(bare);
  return { liaison: stats(a), baseline: stats(b) };
}
