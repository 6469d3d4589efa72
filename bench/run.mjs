// bench/run.mjs — `make bench` (issue #6); started by bench/run. See bench/README.md.
//
// Environment: SCALE (1 = 5,000 partners and 1,000,000 referrals), SEED,
// ENGINES ("sqlite postgresql"), REPEATS (3), WRK_THREADS (2),
// WRK_CONNECTIONS (16), WRK_DURATION (5 s), BENCH_WORK (bench/.work),
// REUSE=1 (keep and reuse the generated data and loaded SQLite file of the
// same scale, seed, generator and day), PROFILE=1 (perf profiles of the
// Liaison scenarios into bench/results/).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuMeter } from './lib/cpu.mjs';
import { loadPostgres, loadSqlite } from './lib/load.mjs';
import { startNginx } from './lib/nginx.mjs';
import { atCleanup, run, runAsync, sleep } from './lib/proc.mjs';
import { featureExists, runScenario, scenarios } from './lib/scenarios.mjs';
import { bearerToken, get, memory, startLiaison } from './lib/server.mjs';
import { PROFILES, summarise } from './lib/wrk.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const cfg = {
  scale: Number(process.env.SCALE || 1),
  seed: Number(process.env.SEED || 20261126),
  engines: (process.env.ENGINES || 'sqlite postgresql').split(/[\s,]+/).filter(Boolean)
    .map((e) => (e === 'pg' || e === 'postgres' ? 'postgresql' : e)),
  repeats: Math.max(3, Number(process.env.REPEATS || 3)),
  work: resolve(process.env.BENCH_WORK || join(ROOT, 'bench', '.work')),
  reuse: process.env.REUSE === '1',
  profile: process.env.PROFILE === '1',
};
const PASSWORD = 'bench password, not a secret';
const T0 = Date.now();
const BUILD = join(ROOT, 'build-bench');
const BIN = join(BUILD, 'liaison');
const RESULTS = join(ROOT, 'bench', 'results');

const log = (msg) => console.error(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

function need(tools) {
  const missing = tools.filter((t) => { try { run('sh', ['-c', `command -v ${t}`]); return false; } catch { return true; } });
  if (missing.length) {
    console.error(`bench: missing ${missing.join(', ')} (Debian: apt-get install ${missing.map((t) => (t === 'perf' ? 'linux-perf' : t === 'psql' ? 'postgresql-client' : t)).join(' ')})`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------ build
function build() {
  log('building an optimised binary in build-bench/ (Release)');
  run('cmake', ['-S', ROOT, '-B', BUILD, '-DCMAKE_BUILD_TYPE=Release', '-DLIAISON_NODE_TESTS=OFF',
    '-DLIAISON_BROWSER_TESTS=OFF', '-DLIAISON_PG_TESTS=OFF']);
  run('cmake', ['--build', BUILD, '-j', String(cpus().length), '--target', 'liaison', 'liaison_core']);
  const libs = run('pkg-config', ['--cflags', '--libs', 'libmicrohttpd', 'jansson', 'libsodium', 'libutf8proc', 'sqlite3', 'libpq', 'libcrypto'])
    .trim().split(/\s+/);
  const cc = (src, out, extra) => run('cc', ['-O2', '-std=c17', '-D_POSIX_C_SOURCE=200809L', '-D_DEFAULT_SOURCE', '-Wall',
    '-o', join(BUILD, out), join(ROOT, 'bench', src), ...extra]);
  cc('write_baseline.c', 'bench-write-baseline', ['-lsqlite3']);
  cc('check.c', 'bench-check', ['-I', join(ROOT, 'src'), join(BUILD, 'libliaison_core.a'), ...libs, '-lpthread', '-lm']);
  return { liaison: BIN, writeBaseline: join(BUILD, 'bench-write-baseline'), check: join(BUILD, 'bench-check') };
}

// ------------------------------------------------------------------ data
function userSpecs() {
  const partners = Math.max(20, Math.round(5000 * cfg.scale));
  const liaisons = Math.max(1, Math.ceil(partners / 200));
  return [
    ['admin', 'admin'], ['manager', 'manager'], ['coordinator', 'coordinator'], ['clinician', 'clinician'],
    ...Array.from({ length: liaisons }, (_, i) => [`liaison${i + 1}`, 'liaison']),
  ].map(([name, role]) => ({ email: `${name}@bench.liaison.test`, name: `Bench ${name}`, role }));
}

function addUsers(db) {
  const ids = {};
  for (const u of userSpecs()) {
    const id = Number(run(BIN, ['user', 'add', '--db', db, '--email', u.email, '--name', u.name, '--role', u.role, '--password-stdin'],
      { input: `${PASSWORD}\n` }).trim());
    if (u.role === 'liaison') (ids.liaisons ||= []).push(id); else ids[u.role] = id;
  }
  return ids;
}

function dataKey(users) {
  const h = createHash('sha256');
  h.update(readFileSync(join(ROOT, 'bench', 'gen.mjs')));
  h.update(readFileSync(join(ROOT, 'bench', 'lib', 'load.mjs')));
  for (const f of run('sh', ['-c', `ls ${ROOT}/src/db/migrations/*.sql`]).trim().split('\n')) h.update(readFileSync(f));
  h.update(JSON.stringify({ scale: cfg.scale, seed: cfg.seed, users, day: new Date().toISOString().slice(0, 10) }));
  return h.digest('hex').slice(0, 12);
}

async function generate(users) {
  const key = dataKey(users);
  const dir = join(cfg.work, `data-${key}`);
  if (cfg.reuse && existsSync(join(dir, 'manifest.json'))) {
    log(`reusing the generated network in ${dir}`);
  } else {
    for (const f of run('sh', ['-c', `ls -d ${cfg.work}/data-* 2>/dev/null || true`]).trim().split('\n').filter(Boolean)) rmSync(f, { recursive: true, force: true });
    log(`generating the network at SCALE=${cfg.scale} (seed ${cfg.seed})`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
    const out = await runAsync('node', [join(ROOT, 'bench', 'gen.mjs'), '--out', dir, '--users', join(dir, 'users.json'),
      '--scale', String(cfg.scale), '--seed', String(cfg.seed)]);
    log(out.trim());
  }
  return { key, dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) };
}

// ------------------------------------------------------------------ engines
async function prepareSqlite(bin) {
  const dir = join(cfg.work, 'sqlite');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'bench.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  atCleanup(() => { if (!cfg.reuse) rmSync(dir, { recursive: true, force: true }); });
  // The users first: their ids go into the generated rows.
  const scratch = join(dir, 'users.db');
  rmSync(scratch, { force: true });
  run(BIN, ['init', '--db', scratch]);
  const users = addUsers(scratch);
  rmSync(scratch, { force: true });
  const data = await generate(users);
  const pristine = join(dir, `pristine-${data.key}.db`);
  if (cfg.reuse && existsSync(pristine)) {
    log('reusing the loaded SQLite database');
  } else {
    run('sh', ['-c', `rm -f ${dir}/pristine-*.db`]);
    run(BIN, ['init', '--db', pristine]);
    const ids = addUsers(pristine);
    if (JSON.stringify(ids) !== JSON.stringify(users)) throw new Error('user ids differ between databases');
    log('loading into SQLite (sqlite3 .import, one transaction)');
    const t = Date.now();
    loadSqlite(pristine, data.dir);
    log(`loaded in ${((Date.now() - t) / 1000).toFixed(0)} s; checking the rows with the application's own rules`);
    log(run(bin.check, [pristine, String(cfg.scale >= 0.5 ? 50 : 5)]).trim());
  }
  run('sqlite3', [pristine, 'PRAGMA wal_checkpoint(TRUNCATE);']);
  copyFileSync(pristine, db);
  return { db, data, size: statSync(db).size };
}

async function preparePostgres(bin, data) {
  const dir = join(cfg.work, 'pg');
  rmSync(dir, { recursive: true, force: true });
  log('starting a throwaway PostgreSQL 15 (scripts/pg; fsync off: writes are an upper bound)');
  const admin = run(join(ROOT, 'scripts', 'pg'), ['start', dir]).trim();
  const stopCluster = () => run(join(ROOT, 'scripts', 'pg'), ['stop', dir]);
  const forget = atCleanup(stopCluster);
  run('psql', ['-X', '-q', '-d', admin, '-c', "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"]);
  const db = admin.replace(/\/postgres$/, '/bench');
  run(BIN, ['init', '--db', db]);
  const ids = addUsers(db);
  if (JSON.stringify(ids) !== JSON.stringify(data.manifest.users)) throw new Error('user ids differ between engines');
  log('loading into PostgreSQL (COPY, then VACUUM ANALYZE)');
  const t = Date.now();
  loadPostgres(db, data.dir);
  const size = Number(run('psql', ['-X', '-At', '-d', db, '-c', 'SELECT pg_database_size(current_database())']).trim());
  log(`loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return { db, size, stop: () => { forget(); stopCluster(); } };
}

function sqlValue(engine, db, sql) {
  return engine === 'sqlite' ? run('sqlite3', [db, sql]).trim() : run('psql', ['-X', '-At', '-d', db, '-c', sql]).trim();
}

// ------------------------------------------------------------------ one engine
async function benchEngine(engine, bin, db, data) {
  const res = { engine, scenarios: {}, startup: [], memory: null };
  // Start-up: a fresh process each time, until /healthz answers 200.
  let srv;
  for (let i = 0; i < cfg.repeats; i++) {
    if (srv) await srv.stop();
    srv = await startLiaison(bin.liaison, db, join(cfg.work, `server-${engine}.log`));
    res.startup.push({ ms: srv.startupMs });
  }
  log(`${engine}: start-up ${res.startup.map((s) => s.ms.toFixed(0)).join(', ')} ms`);
  const tokens = {
    coordinator: await bearerToken(srv.url, 'coordinator@bench.liaison.test', PASSWORD),
    liaison: await bearerToken(srv.url, 'liaison1@bench.liaison.test', PASSWORD),
  };
  const partnerId = data.manifest.busiest_partner.id;
  const paths = [`/api/v1/partners/${partnerId}`, `/api/v1/referrals?partner_id=${partnerId}&limit=50`];
  const bodies = {};
  let headers = [], contentType = 'application/json; charset=utf-8';
  for (const p of paths) {
    const r = await get(srv.url + p, tokens.coordinator);
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${r.body}`);
    bodies[p] = r.body;
    contentType = r.headers.get('content-type');
    headers = [...r.headers].filter(([k]) => !['date', 'content-length', 'content-type', 'connection', 'keep-alive'].includes(k));
  }
  const wl = await get(`${srv.url}/api/v1/worklist`, tokens.liaison);
  if (wl.status !== 200) throw new Error(`GET /api/v1/worklist: ${wl.status}`);
  const worklistItems = JSON.parse(wl.body).items.length;
  res.worklistItems = worklistItems;
  // The baseline serves the identical bytes; checked before any load.
  const nginx = await startNginx(Object.fromEntries(paths.map((p) => [p.replace(/\?.*/, ''), bodies[p]])), headers, contentType);
  for (const p of paths) {
    const r = await get(nginx.url + p, tokens.coordinator);
    if (r.status !== 200 || Buffer.compare(r.body, bodies[p]) !== 0) throw new Error(`nginx does not serve the identical body for ${p}`);
  }
  const busiest = JSON.parse((await get(`${srv.url}/api/v1/partners/${partnerId}`, tokens.coordinator)).body);
  const ctx = {
    engine, db, bin, url: srv.url, nginx, tokens, partnerId, bodies, worklistItems, specialty: busiest.specialty,
    repeats: cfg.repeats, duration: PROFILES.throughput.duration, password: PASSWORD, work: cfg.work, scale: cfg.scale,
    lastRow: (table) => JSON.parse(run('sqlite3', ['-json', db, `SELECT * FROM ${table} ORDER BY id DESC LIMIT 1`]))[0],
    bodyFiles: { partner: join(ROOT, 'bench', 'lib', 'partner.json'), interaction: join(cfg.work, 'interaction.json') },
  };
  // The interaction the write scenario logs: a call to the busiest partner's
  // first contact, awaiting their answer, with a follow-up in a week.
  const contact = sqlValue(engine, db, `SELECT MIN(id) FROM contacts WHERE partner_id = ${partnerId}`);
  writeFileSync(ctx.bodyFiles.interaction, JSON.stringify({
    partner_id: partnerId, ...(contact ? { contact_id: Number(contact) } : {}), kind: 'call', direction: 'outbound',
    summary: 'Called the office manager about two patients waiting for cardiology appointments; she will confirm the new fax number.',
    follow_up_at: new Date(Date.now() + 7 * 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z'), awaiting: 'them',
  }));
  // Peak RSS under the read load: the high-water mark before it (start-up,
  // sign-in: argon2id takes 64 MiB while it runs) is kept aside, then reset
  // (Linux: "5" > /proc/PID/clear_refs) so VmHWM covers the read load only.
  res.memoryBeforeLoad = memory(srv.proc.pid);
  writeFileSync(`/proc/${srv.proc.pid}/clear_refs`, '5');
  for (const sc of scenarios) {
    if (!sc.engines.includes(engine) || sc.pending) continue;
    log(`${engine}: ${sc.title}`);
    const meter = cpuMeter();
    res.scenarios[sc.id] = await runScenario(sc, ctx);
    const r = res.scenarios[sc.id];
    r.othersCpu = meter();
    if (sc.readLoad) res.memory = memory(srv.proc.pid);
    log(`  Liaison ${fmtRate(r.liaison.rps.median)} p99 ${fmtMs(r.liaison.p99?.median)}` +
      (r.baseline ? `; baseline ${fmtRate(r.baseline.rps.median)}` : '') +
      `; other processes used ${(r.othersCpu * 100).toFixed(0)}% of the CPUs meanwhile`);
    if (cfg.profile) await profile(engine, sc, ctx, srv);
  }
  res.memoryAfterAll = memory(srv.proc.pid);
  await nginx.stop();
  await srv.stop();
  return res;
}

// PROFILE=1: perf samples (with DWARF call chains) of the server during 6 s
// of one more Liaison run of the scenario, summarised by bench/lib/perfsum.mjs.
async function profile(engine, sc, ctx, srv) {
  const out = join(cfg.work, `perf-${engine}-${sc.id}.data`);
  const load = sc.load(ctx, 9);
  await sleep(1500);
  await runAsync('perf', ['record', '-q', '-F', '999', '--call-graph', 'dwarf,16384', '-p', String(srv.proc.pid), '-o', out, '--', 'sleep', '6']);
  await load;
  const script = run('sh', ['-c', `perf script -i ${out} 2>/dev/null | node ${join(ROOT, 'bench', 'lib', 'perfsum.mjs')}`]);
  const file = join(RESULTS, `${today()}-${engine}-profile-${sc.id}.txt`);
  writeFileSync(file, `perf record -F 999 --call-graph dwarf of liaison serve during ${sc.title}\n\n${script}`);
  rmSync(out, { force: true });
  log(`  profile: ${file.replace(`${ROOT}/`, '')}`);
}

// ------------------------------------------------------------------ report
const today = () => new Date().toISOString().slice(0, 10);
const fmtRate = (x) => (x === null || x === undefined ? '—' : `${Math.round(x).toLocaleString('en-US')}/s`);
const fmtMs = (x) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`);
const range = (s, f) => (s ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : '—');
const mib = (x) => `${x.toFixed(1)} MiB`;

function rowsFor(results, bin) {
  const sq = results.sqlite, pg = results.postgresql;
  const rows = [];
  const main = sq || pg;
  for (const sc of scenarios) {
    if (sc.pending) {
      const exists = featureExists(bin.liaison, sc.pending);
      rows.push({ scenario: sc.title, liaison: exists ? 'feature exists: add its load() in bench/lib/scenarios.mjs' : 'not yet implemented',
        baseline: '—', ratio: '—', target: targetText(sc), met: '—' });
      continue;
    }
    const r = main?.scenarios[sc.id];
    if (!r) continue;
    const t = sc.target;
    if (t.ratio !== undefined && r.baseline) {
      const ratio = r.liaison.rps.median / r.baseline.rps.median;
      const okRatio = ratio >= t.ratio, okP99 = t.p99 === undefined || r.liaison.p99?.median < t.p99;
      rows.push({ scenario: `${sc.title}${main === pg ? ' [PostgreSQL]' : ''}`,
        liaison: `${fmtRate(r.liaison.rps.median)}${r.liaison.p99?.median != null ? `, p99 ${fmtMs(r.liaison.p99?.median)}` : ''}`,
        baseline: `${sc.baselineName || (sc.id === 'interaction' || sc.id === 'partner' ? 'C loop' : 'nginx')} ${fmtRate(r.baseline.rps.median)}`,
        ratio: `${ratio.toFixed(2)}×`, target: targetText(sc), met: okRatio && okP99 ? 'yes' : 'NO' });
    } else if (r.baseline && t.ratio === undefined && t.p99 === undefined) {
      // A scenario of our own with no target in the issue: the ratio, reported.
      rows.push({ scenario: `${sc.title}${main === pg ? ' [PostgreSQL]' : ''}`, liaison: fmtRate(r.liaison.rps.median),
        baseline: `C loop ${fmtRate(r.baseline.rps.median)}`, ratio: `${(r.liaison.rps.median / r.baseline.rps.median).toFixed(2)}×`,
        target: 'reported', met: '—' });
    } else if (t.p99 !== undefined && r.baseline) {
      // A latency target beside the same measure without the load (issue 11).
      const p = r.liaison.p99?.median, b = r.baseline.p99?.median;
      rows.push({ scenario: sc.title, liaison: `p99 ${fmtMs(p)} (${fmtRate(r.liaison.rps.median)})`,
        baseline: `${sc.baselineName} p99 ${fmtMs(b)}`, ratio: p && b ? `${(p / b).toFixed(2)}×` : '—',
        target: targetText(sc), met: p < t.p99 ? 'yes' : 'NO' });
    } else if (t.p99 !== undefined) {
      rows.push({ scenario: sc.title, liaison: `p99 ${fmtMs(r.liaison.p99?.median)} (${fmtRate(r.liaison.rps.median)})`, baseline: '—', ratio: '—',
        target: targetText(sc), met: r.liaison.p99?.median < t.p99 ? 'yes' : 'NO' });
    } else {
      rows.push({ scenario: sc.title, liaison: fmtRate(r.liaison.rps.median), baseline: '—', ratio: '—', target: 'reported', met: '—' });
    }
  }
  if (main?.memory) {
    rows.push({ scenario: `server peak RSS under the read load (VmHWM)${main === pg ? ' [PostgreSQL]' : ''}`,
      liaison: `${mib(main.memory.hwm)} (start-up + sign-in: ${mib(main.memoryBeforeLoad.hwm)})`, baseline: '—', ratio: '—',
      target: '≤ 64 MiB', met: main.memory.hwm <= 64 ? 'yes' : 'NO' });
  }
  if (main) {
    const s = summarise(main.startup, 'ms');
    rows.push({ scenario: `start-up until /healthz answers${main === pg ? ' [PostgreSQL]' : ''}`, liaison: fmtMs(s.median), baseline: '—', ratio: '—', target: '< 300 ms', met: s.median < 300 ? 'yes' : 'NO' });
  }
  if (sq && pg) {
    for (const id of ['read', 'list', 'interaction']) {
      const a = pg.scenarios[id], b = sq.scenarios[id];
      if (!a || !b) continue;
      rows.push({ scenario: `${id} on PostgreSQL vs SQLite${id === 'interaction' ? ' (pg fsync off)' : ''}`, liaison: fmtRate(a.liaison.rps.median),
        baseline: `SQLite ${fmtRate(b.liaison.rps.median)}`, ratio: `${(a.liaison.rps.median / b.liaison.rps.median).toFixed(2)}×`, target: 'reported', met: '—' });
    }
  }
  return rows;
}

function targetText(sc) {
  const t = sc.target, parts = [];
  if (t.ratio !== undefined) parts.push(`≥ ${t.ratio}×`);
  if (t.p99 !== undefined) parts.push(`p99 < ${t.p99} ms`);
  return parts.join(', ');
}

function table(rows, md) {
  const cols = ['scenario', 'liaison', 'baseline', 'ratio', 'target', 'met'];
  const head = { scenario: 'scenario', liaison: 'Liaison', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: 'met' };
  if (md) {
    return [`| ${cols.map((c) => head[c]).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
  }
  const w = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((r) => String(r[c]).length))]));
  const line = (r) => cols.map((c) => String(r[c]).padEnd(w[c])).join('  ');
  return [line(head), cols.map((c) => '-'.repeat(w[c])).join('  '), ...rows.map(line)].join('\n');
}

function details(res) {
  const out = [];
  out.push('| scenario | side | settings | req/s median [min–max] | p50 median | p99 median [min–max] | each run (req/s) | CPU used by other processes meanwhile |', '|---|---|---|---|---|---|---|---|');
  for (const sc of scenarios) {
    const r = res.scenarios[sc.id];
    if (!r) continue;
    for (const [side, s] of [['Liaison', r.liaison], [sc.baselineName || (sc.id === 'interaction' || sc.id === 'partner' ? 'C loop' : 'nginx'), r.baseline]]) {
      if (!s) continue;
      out.push(`| ${sc.id} | ${side} | ${s.settings} | ${range(s.rps, fmtRate)} | ${fmtMs(s.p50?.median)} | ${range(s.p99, fmtMs)} | ${s.rps.all.map((x) => Math.round(x)).join(', ')} | ${(r.othersCpu * 100).toFixed(0)}% |`);
    }
  }
  const st = summarise(res.startup, 'ms');
  out.push('', `Start-up until /healthz: median ${fmtMs(st.median)} [${fmtMs(st.min)}–${fmtMs(st.max)}] (runs: ${st.all.map((x) => x.toFixed(0)).join(', ')} ms; page cache warm).`);
  if (res.worklistItems !== undefined) out.push(`The worklist answered ${res.worklistItems} items to the liaison (check-ins, follow-ups, commitments and the referral steps of the partners they own).`);
  if (res.memory) out.push(`Server memory: before the load (start-up and the two sign-ins) VmHWM ${mib(res.memoryBeforeLoad.hwm)}, VmRSS ${mib(res.memoryBeforeLoad.rss)}; under the read load (high-water mark reset before it) VmHWM ${mib(res.memory.hwm)}, VmRSS ${mib(res.memory.rss)}; after the write scenarios VmHWM ${mib(res.memoryAfterAll.hwm)}.`);
  return out.join('\n');
}

function noisy(results) {
  const m = Math.max(0, ...Object.values(results).flatMap((r) => Object.values(r.scenarios).map((x) => x.othersCpu || 0)));
  return m > 0.05 ? m : 0;
}

function machine() {
  const v = (cmd, args) => { try { return run(cmd, args).trim().split('\n')[0]; } catch { return '?'; } };
  const commit = v('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = v('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']) === '' ? '' : ' + uncommitted changes in src/';
  return [
    `- machine: ${cpus().length} × ${cpus()[0].model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${v('uname', ['-r'])}`,
    `- Liaison: ${v(BIN, ['--version'])}, commit ${commit}${dirty}, CMAKE_BUILD_TYPE=Release (build-bench/)`,
    `- ${v('sqlite3', ['--version']).split(' ').slice(0, 1).map((x) => `SQLite ${x}`)}; ${v('psql', ['--version'])}; ${v('sh', ['-c', 'nginx -v 2>&1'])}; ${v('sh', ['-c', 'wrk --version 2>&1 | head -1']).split(' Copyright')[0]}`,
    `- load: wrk on 127.0.0.1, throughput profile \`wrk -t${PROFILES.throughput.threads} -c${PROFILES.throughput.connections} -d${PROFILES.throughput.duration}s\`, latency profile \`wrk -t1 -c${PROFILES.latency.connections} -d${PROFILES.latency.duration}s\`; ${cfg.repeats} repeats, Liaison and baseline alternating, after a 2 s warm-up of each; medians [min–max]`,
  ].join('\n');
}

function writeResults(engine, results, rows, data, sizes) {
  mkdirSync(RESULTS, { recursive: true });
  const m = data.manifest;
  const file = join(RESULTS, `${today()}-${engine}.md`);
  const counts = m.tables.map((t) => `${t.table} ${t.rows.toLocaleString('en-US')}`).join(', ');
  const text = `# make bench — ${today()} — ${engine}

${machine()}
- data: SCALE=${cfg.scale}, seed ${cfg.seed}: ${counts}; ${m.senders} partners send, the top 1% of partners send ${(m.top_1pc_share * 100).toFixed(0)}% of referrals; the scenarios use the busiest partner (id ${m.busiest_partner.id}, ${m.busiest_partner.referrals.toLocaleString('en-US')} referrals)
- database size: ${Object.entries(sizes).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)} MiB`).join(', ')}${engine === 'postgresql' ? '\n- PostgreSQL is the throwaway test cluster of scripts/pg (fsync=off, synchronous_commit=off): its write figures are an upper bound, not durable' : ''}
- total run time: ${((Date.now() - T0) / 60000).toFixed(1)} min${noisy(results) ? `\n- **warning: other processes used up to ${(noisy(results) * 100).toFixed(0)}% of the CPUs during a scenario (see the last column below): figures from a shared machine; rerun on a quiet one to confirm**` : ''}

## Summary

${table(rows, true)}

## ${engine}: every figure

${details(results[engine])}
`;
  writeFileSync(file, text);
  return file;
}

// ------------------------------------------------------------------ main
need(['cmake', 'cc', 'pkg-config', 'sqlite3', 'wrk', 'nginx', ...(cfg.engines.includes('postgresql') ? ['psql'] : []), ...(cfg.profile ? ['perf'] : [])]);
mkdirSync(cfg.work, { recursive: true });
const bin = build();
const results = {}, sizes = {};
let data;
if (cfg.engines.includes('sqlite')) {
  const sq = await prepareSqlite(bin);
  data = sq.data;
  sizes.sqlite = sq.size;
  results.sqlite = await benchEngine('sqlite', bin, sq.db, data);
}
if (cfg.engines.includes('postgresql')) {
  if (!data) {
    const scratch = join(cfg.work, 'users.db');
    rmSync(scratch, { force: true });
    run(BIN, ['init', '--db', scratch]);
    data = await generate(addUsers(scratch));
    rmSync(scratch, { force: true });
  }
  const pg = await preparePostgres(bin, data);
  sizes.postgresql = pg.size;
  results.postgresql = await benchEngine('postgresql', bin, pg.db, data);
  pg.stop();
}
const rows = rowsFor(results, bin);
const files = Object.keys(results).map((e) => writeResults(e, results, rows, data, sizes));
if (!cfg.reuse) rmSync(join(cfg.work), { recursive: true, force: true });
console.log(`\nmake bench: SCALE=${cfg.scale}, ${Object.keys(results).join(' + ')}, ${((Date.now() - T0) / 60000).toFixed(1)} min\n`);
console.log(table(rows, false));
if (noisy(results)) console.log(`\nwarning: other processes used up to ${(noisy(results) * 100).toFixed(0)}% of the CPUs during a scenario: figures from a shared machine`);
console.log(`results: ${files.map((f) => f.replace(`${ROOT}/`, '')).join(', ')}`);
