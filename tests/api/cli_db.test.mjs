// A mistyped --db is an error (issue 12 point 4): every command but `init`
// refuses a SQLite file that does not exist — one line on stderr, exit 1,
// and no file left behind — where it used to create an empty database and,
// for `backup` and `audit verify`, report success. `init` creates it, and
// after that every command opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../lib/server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'liaison-cli-db-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const commands = (db) => [
  ['demo', '--db', db],
  ['serve', '--db', db, '--listen', '127.0.0.1:0'],
  ['backup', '--db', db, join(dir, 'copy.db')],
  ['audit', 'verify', '--db', db],
  ['user', 'add', '--db', db, '--email', 'a@example.test', '--name', 'A', '--role', 'admin', '--password-stdin'],
  ['import', 'partners', join(dir, 'partners.csv'), '--db', db],
  ['import', 'referrals', join(dir, 'partners.csv'), '--db', db],
];

test('every command but init refuses a database file that does not exist', () => {
  writeFileSync(join(dir, 'partners.csv'), 'name\nA clinic\n');
  const db = join(dir, 'typo.db');
  for (const args of commands(db)) {
    const r = cli(args, { input: 'a long enough password\n' });
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^liaison: no database at .*typo\.db: check --db, or create it with liaison init --db /);
    assert.equal(r.stdout, '', args.join(' '));
    assert.equal(existsSync(db), false, `${args[0]} left no file behind`);
    assert.equal(existsSync(join(dir, 'copy.db')), false, 'no backup of nothing');
  }
  // LIAISON_DB is held to the same rule.
  const r = cli(['audit', 'verify'], { env: { LIAISON_DB: db } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no database at/);
  assert.equal(existsSync(db), false);
});

test('init creates the file; then the same commands open it', () => {
  const db = join(dir, 'real.db');
  const init = cli(['init', '--db', db]);
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /database ready \(sqlite\)/);
  assert.ok(existsSync(db));
  const verify = cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.status, 0, verify.stderr);
  const backup = cli(['backup', '--db', db, join(dir, 'copy.db')]);
  assert.equal(backup.status, 0, backup.stderr);
  assert.ok(existsSync(join(dir, 'copy.db')));
  // init is safe to run again on the file it made.
  assert.equal(cli(['init', '--db', db]).status, 0);
});
