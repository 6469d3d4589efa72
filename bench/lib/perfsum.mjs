#!/usr/bin/env node
// Summarises `perf script` output (samples with call chains) of one process:
//   perf script -i perf.data | node bench/lib/perfsum.mjs [FOCUS...]
// Prints the inclusive share of the Liaison functions and of the costly
// library entry points, and, for each FOCUS function (default: the request
// pipeline), what its time goes to (its direct callees that matter).
import { createInterface } from 'node:readline';

const focus = process.argv.slice(2);
const samples = [];
let cur = null;
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) { if (cur) samples.push(cur); cur = null; continue; }
  if (!line.startsWith('\t') && !line.startsWith(' ')) { cur = []; continue; }
  const m = line.trim().match(/^[0-9a-f]+\s+(.+?)\s+\((.+)\)$/);
  if (!m || !cur) continue;
  let sym = m[1].replace(/\+0x[0-9a-f]+$/, '');
  if (sym === '[unknown]') sym = `[${m[2].split('/').pop()}]`;
  cur.push(sym);
}
if (cur) samples.push(cur);
const n = samples.length;
const incl = new Map(), self = new Map();
for (const s of samples) {
  self.set(s[0], (self.get(s[0]) || 0) + 1);
  for (const f of new Set(s)) incl.set(f, (incl.get(f) || 0) + 1);
}
const pc = (x) => `${((100 * x) / n).toFixed(1).padStart(5)}%`;
console.log(`${n} samples\n\nSelf (top 25):`);
for (const [f, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pc(c)}  ${f}`);
const interesting = /^(on_request|on_completed|dispatch_route|dispatch|queue|auth_resolve|load_token|load_session|api_\w+|partner_\w+|referral_\w+|audit_append|req_audit|db_\w+|sq_\w+|pg_\w+|qb_\w+|log_info|vlog|json_dumps|json_pack|json_loads|json_object_set\w*|json_array_append\w*|sqlite3_prepare_v2|sqlite3_step|sqlite3_finalize|sqlite3_exec|sqlite3Malloc|sqlite3_free|sqlite3WalFrames|sqlite3OsSync|unixSync|fdatasync|fsync|__x64_sys_fsync|__x64_sys_fdatasync|__x64_sys_futex|malloc|free|cfree|PQexecParams|PQexec|pqWait|MHD_\w+|sqliteDefaultBusyCallback|sqlite3_sleep|unixSleep|nanosleep|clock_nanosleep|__x64_sys_sendmsg|__x64_sys_sendto|__x64_sys_write|__x64_sys_epoll_wait|crypto_pwhash\w*|argon2\w*|text_fold|time_rfc3339|arena_\w+)$/;
console.log('\nInclusive (functions of interest):');
for (const [f, c] of [...incl].filter(([f]) => interesting.test(f)).sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`  ${pc(c)}  ${f}`);
const targets = focus.length ? focus : ['dispatch_route.isra.0', 'auth_resolve', 'api_partners_get', 'api_referrals_list', 'api_worklist', 'api_partners_create', 'queue', 'on_completed'];
for (const t of targets) {
  const under = new Map();
  let total = 0;
  for (const s of samples) {
    const i = s.indexOf(t);
    if (i < 0) continue;
    total++;
    // the frames between the leaf and t: attribute to the callee of t on the path,
    // and to the library entry points on the path
    const path = s.slice(0, i);
    const direct = path[path.length - 1] || '(self)';
    under.set(`→ ${direct}`, (under.get(`→ ${direct}`) || 0) + 1);
    for (const f of new Set(path)) if (/^(sqlite3_prepare_v2|sqlite3_step|sqlite3_finalize|sqlite3_exec|json_dumps|json_pack|json_loads|malloc|cfree|free|__x64_sys_futex|__x64_sys_fdatasync|__x64_sys_fsync|clock_nanosleep|__x64_sys_sendmsg|PQexecParams|PQexec)$/.test(f))
      under.set(`  …${f}`, (under.get(`  …${f}`) || 0) + 1);
  }
  if (!total) continue;
  console.log(`\n${t}: ${pc(total)} of all samples; of which:`);
  for (const [f, c] of [...under].sort((a, b) => b[1] - a[1]).filter(([, c]) => c / total > 0.02).slice(0, 16))
    console.log(`  ${((100 * c) / total).toFixed(1).padStart(5)}%  ${f}`);
}
