// Loading the generator's CSVs (bench/gen.mjs) into a database that
// `liaison init` has just created: the application's own schema, nothing
// changed. Plain indexes are dropped for the load and re-created from their
// own stored definitions afterwards (the same indexes, built once). The
// triggers that keep derived data (migrations 005-007) are switched off for
// the load as well, and what they keep is then computed once with the same
// statements the migrations use to fill it (DERIVED below).

// What the triggers keep, computed from the loaded rows: the monthly volume
// (005), open follow-ups (006), the referral-list generation (007).
const DERIVED = [
  'DELETE FROM referral_volume',
  'DELETE FROM referral_volume_specialty',
  `INSERT INTO referral_volume (partner_id, month, direction, referrals)
     SELECT partner_id, month, direction, COUNT(*) FROM referrals
     WHERE status <> 'entered_in_error' GROUP BY partner_id, month, direction`,
  `INSERT INTO referral_volume_specialty (specialty, month, direction, referrals)
     SELECT COALESCE(specialty, ''), month, direction, COUNT(*) FROM referrals
     WHERE status <> 'entered_in_error' GROUP BY COALESCE(specialty, ''), month, direction`,
  `UPDATE interactions SET follow_up_open = 1
     WHERE follow_up_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM interactions j
                       WHERE j.partner_id = interactions.partner_id AND j.occurred_at > interactions.occurred_at)`,
  "UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'",
].map((q) => `${q};`);
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

const quoteIdent = (s) => `"${s.replace(/"/g, '""')}"`;
const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;

// SQLite: the sqlite3 CLI .imports each CSV into an untyped TEMP staging
// table (the CLI stores empty fields as ''), then one INSERT ... SELECT maps
// '' to NULL into the real table; all in one transaction, journal off.
export function loadSqlite(dbPath, dataDir) {
  const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
  const tables = manifest.tables.map((t) => t.table);
  const idx = run('sqlite3', [dbPath,
    `SELECT name || char(9) || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(sqlString).join(',')})`])
    .split('\n').filter(Boolean).map((l) => { const [name, ...sql] = l.split('\t'); return { name, sql: sql.join('\t') }; });
  const trg = run('sqlite3', [dbPath,
    `SELECT name || char(9) || replace(replace(sql, char(10), ' '), char(13), ' ') FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${tables.map(sqlString).join(',')})`])
    .split('\n').filter(Boolean).map((l) => { const [name, ...sql] = l.split('\t'); return { name, sql: sql.join('\t') }; });
  const lines = [
    '.bail on',
    'PRAGMA journal_mode=OFF;', 'PRAGMA synchronous=OFF;', 'PRAGMA foreign_keys=OFF;',
    'PRAGMA cache_size=-262144;', 'PRAGMA temp_store=MEMORY;',
    'BEGIN;',
    ...trg.map((t) => `DROP TRIGGER ${quoteIdent(t.name)};`),
    ...idx.map((i) => `DROP INDEX ${quoteIdent(i.name)};`),
  ];
  for (const t of manifest.tables) {
    const stage = `s_${t.table}`;
    lines.push(`CREATE TEMP TABLE ${stage} (${t.columns.map(quoteIdent).join(', ')});`);
    lines.push(`.import --csv ${join(dataDir, t.file)} ${stage}`);
    const sel = t.columns.map((c) => (t.table === 'documents' && c === 'data'
      ? `CAST(${quoteIdent(c)} AS BLOB)` : `NULLIF(${quoteIdent(c)}, '')`));
    lines.push(`INSERT INTO main.${quoteIdent(t.table)} (${t.columns.map(quoteIdent).join(', ')}) SELECT ${sel.join(', ')} FROM temp.${stage};`);
    lines.push(`DROP TABLE temp.${stage};`);
  }
  lines.push(...idx.map((i) => `${i.sql};`));
  lines.push(...DERIVED, ...trg.map((t) => `${t.sql};`));
  lines.push('COMMIT;', 'PRAGMA journal_mode=WAL;');
  run('sqlite3', [dbPath], lines.join('\n') + '\n');
}

// PostgreSQL: COPY ... CSV (an unquoted empty field is NULL), identity
// sequences moved past the loaded ids, then VACUUM ANALYZE as autovacuum
// would eventually do.
export function loadPostgres(url, dataDir) {
  const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
  const tables = manifest.tables.map((t) => t.table);
  const psql = (sql) => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', url], sql);
  const idx = psql(`SELECT i.indexname || chr(9) || i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'
      AND i.tablename IN (${tables.map(sqlString).join(',')})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);`)
    .split('\n').filter(Boolean).map((l) => { const [name, ...sql] = l.split('\t'); return { name, sql: sql.join('\t') }; });
  const lines = ['SET synchronous_commit = off;', "SET maintenance_work_mem = '256MB';", 'BEGIN;',
    ...tables.map((t) => `ALTER TABLE ${quoteIdent(t)} DISABLE TRIGGER USER;`),
    ...idx.map((i) => `DROP INDEX ${quoteIdent(i.name)};`)];
  for (const t of manifest.tables) {
    lines.push(`\\copy ${quoteIdent(t.table)} (${t.columns.map(quoteIdent).join(', ')}) FROM ${sqlString(join(dataDir, t.file))} WITH (FORMAT csv)`);
    lines.push(`SELECT setval(pg_get_serial_sequence(${sqlString(t.table)}, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM ${quoteIdent(t.table)}), false);`);
  }
  lines.push(...idx.map((i) => `${i.sql};`), ...DERIVED,
    ...tables.map((t) => `ALTER TABLE ${quoteIdent(t)} ENABLE TRIGGER USER;`), 'COMMIT;', 'VACUUM ANALYZE;');
  psql(lines.join('\n') + '\n');
}
