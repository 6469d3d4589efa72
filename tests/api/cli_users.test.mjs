// People administration from the command line (issue 12 point 6):
// `liaison user list | set-role | deactivate | reactivate | reset-password`
// through the same service as PATCH /api/v1/users/{id} — audited, with one
// error line and exit 1 for a refusal (nothing changed), and never leaving
// the practice without an active admin. Against a running server, so the
// effects on sessions are seen as a user would (both engines).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, addUser, PASSWORD } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { await srv?.stop(); });

const user = (args, input) => cli(['user', ...args, '--db', srv.db], input === undefined ? {} : { input });
const listRows = () => {
  const r = user(['list']);
  assert.equal(r.status, 0, r.stderr);
  const [head, ...rows] = r.stdout.trim().split('\n');
  assert.equal(head, 'ID\tEMAIL\tNAME\tROLE\tSTATE');
  return rows.map((l) => { const [id, email, name, role, state] = l.split('\t'); return { id: Number(id), email, name, role, state }; });
};
const oneLine = (r, re) => {
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.equal(r.stdout, '');
};

test('list, set-role, deactivate, reactivate and reset-password; the last admin stays', async () => {
  addUser(srv.db, 'admin', 'boss@test.local', { name: 'Nadia Rahman' });
  addUser(srv.db, 'liaison', 'sara@test.local', { name: 'سارة الأحمد' });
  let rows = listRows();
  assert.deepEqual(rows.map((r) => [r.email, r.name, r.role, r.state]), [
    ['boss@test.local', 'Nadia Rahman', 'admin', 'active'],
    ['sara@test.local', 'سارة الأحمد', 'liaison', 'active'],
  ]);

  // The only admin cannot be demoted or deactivated: one line, exit 1, no change.
  oneLine(user(['set-role', '--email', 'boss@test.local', '--role', 'manager']), /^liaison: boss@test\.local is the last active admin/);
  oneLine(user(['deactivate', '--email', 'BOSS@test.local']), /last active admin/);
  assert.equal(listRows()[0].role, 'admin');
  assert.equal(listRows()[0].state, 'active');

  // Bad input is refused the same way.
  oneLine(user(['set-role', '--email', 'sara@test.local', '--role', 'boss']), /^liaison: unknown role 'boss'/);
  oneLine(user(['set-role', '--email', 'sara@test.local', '--role', 'partner']), /portal user/);
  oneLine(user(['deactivate', '--email', 'nobody@test.local']), /^liaison: no user has email nobody@test\.local\n$/);
  assert.equal(user(['set-role', '--email', 'sara@test.local']).status, 2, '--role is required');
  assert.equal(user(['deactivate']).status, 2, '--email is required');
  assert.equal(user(['frobnicate', '--email', 'sara@test.local']).status, 2);
  assert.equal(user(['deactivate', '--email', 'sara@test.local', '--role', 'admin']).status, 2);
  assert.equal(listRows()[1].role, 'liaison');

  // set-role
  let r = user(['set-role', '--email', 'sara@test.local', '--role', 'admin']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sara@test\.local is now admin/);
  const c = new Client(srv.url);
  assert.equal((await c.signIn('sara@test.local')).json.user.role, 'admin');

  // deactivate: her session ends at once; sign-in refused.
  r = user(['deactivate', '--email', 'sara@test.local']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /deactivated/);
  assert.equal((await c.get('/api/v1/me')).status, 401);
  assert.equal((await new Client(srv.url).signIn('sara@test.local')).status, 401);
  assert.equal(listRows()[1].state, 'deactivated');
  // Now the boss is the last active admin again.
  oneLine(user(['set-role', '--email', 'boss@test.local', '--role', 'clinician']), /last active admin/);

  // reactivate
  r = user(['reactivate', '--email', 'sara@test.local']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await new Client(srv.url).signIn('sara@test.local')).status, 200);

  // reset-password, made up and printed: she must change it.
  r = user(['reset-password', '--email', 'sara@test.local']);
  assert.equal(r.status, 0, r.stderr);
  const temp = r.stdout.trim();
  assert.ok(temp.length >= 10, temp);
  assert.equal((await new Client(srv.url).signIn('sara@test.local')).status, 401, 'the old password is gone');
  const s = new Client(srv.url);
  const signin = await s.signIn('sara@test.local', temp);
  assert.equal(signin.status, 200);
  assert.equal(signin.json.user.require_password_change, true);
  assert.equal((await s.get('/api/v1/partners')).json.error.code, 'password_change_required');
  assert.equal(listRows()[1].state, 'active, must change password');
  assert.equal((await s.put('/api/v1/me/password', { current_password: temp, new_password: PASSWORD })).status, 204);
  assert.equal((await s.get('/api/v1/partners')).status, 200);

  // reset-password from standard input; a short one is refused.
  oneLine(user(['reset-password', '--email', 'sara@test.local', '--password-stdin'], 'short\n'), /10 to 256 characters/);
  r = user(['reset-password', '--email', 'sara@test.local', '--password-stdin'], 'chosen temporary one\n');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /must choose a new one/);
  assert.equal((await new Client(srv.url).signIn('sara@test.local', 'chosen temporary one')).status, 200);

  // Every change is in the audit log, attributed to the CLI.
  const admin = new Client(srv.url);
  await admin.signIn('boss@test.local');
  const id = rows[1].id;
  const audit = await admin.get(`/api/v1/audit?record_type=user&record_id=${id}&limit=100`);
  const actions = audit.json.items.filter((e) => e.action.startsWith('user.')).map((e) => e.action).reverse();
  assert.deepEqual(actions, ['user.create', 'user.role', 'user.deactivate', 'user.reactivate', 'user.password_reset',
    'user.password_change', 'user.password_reset']);
  const verify = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(verify.status, 0, verify.stderr);
  rows = listRows();
  assert.equal(rows.length, 2);
});
