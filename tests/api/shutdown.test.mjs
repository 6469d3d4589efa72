// Graceful shutdown: SIGTERM (and SIGINT) drain and exit 0; a request in
// flight when the signal arrives still gets its answer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, PASSWORD } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no exit within ${ms} ms`)), ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

test('SIGTERM on an idle server exits with status 0', async () => {
  const srv = await startServer({ users: false });
  servers.push(srv);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
  srv.proc.kill('SIGTERM');
  const res = await withTimeout(srv.exited, 15000, 'SIGTERM');
  assert.deepEqual(res, { code: 0, signal: null });
});

test('SIGINT exits with status 0 too', async () => {
  const srv = await startServer({ users: false });
  servers.push(srv);
  srv.proc.kill('SIGINT');
  const res = await withTimeout(srv.exited, 15000, 'SIGINT');
  assert.deepEqual(res, { code: 0, signal: null });
});

test('sign-ins in flight when SIGTERM arrives still complete', async () => {
  const srv = await startServer();
  servers.push(srv);
  // Password hashing makes each sign-in take a while; several queue up. Each
  // request is connected and sent before the signal (on a loaded machine a
  // fetch started 20 ms earlier may not have connected yet, and a
  // connection the server never accepted is rightly closed).
  const connected = [];
  const inflight = ['admin', 'manager', 'liaison', 'coordinator'].map((role) => new Promise((resolve, reject) => {
    const req = http.request(srv.url + '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { text += d; });
      r.on('end', () => resolve({ status: r.statusCode, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    connected.push(new Promise((ok) => req.on('socket', (sock) => sock.once('connect', ok))));
    req.end(JSON.stringify({ email: `${role}@test.local`, password: PASSWORD }));
  }));
  await Promise.all(connected);
  await sleep(100);
  srv.proc.kill('SIGTERM');
  const results = await Promise.all(inflight);
  for (const r of results) {
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(typeof r.body.csrf_token, 'string');
  }
  const res = await withTimeout(srv.exited, 15000, 'SIGTERM with requests in flight');
  assert.deepEqual(res, { code: 0, signal: null });
});

test('a request whose body is still arriving when SIGTERM comes is answered', async () => {
  const srv = await startServer();
  servers.push(srv);
  const u = new URL(srv.url);
  const body = JSON.stringify({ email: 'admin@test.local', password: PASSWORD });
  const half = Math.floor(body.length / 2);
  const sock = net.connect(Number(u.port), u.hostname);
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  let answer = '';
  sock.setEncoding('utf8');
  sock.on('data', (d) => { answer += d; });
  const closed = new Promise((resolve) => sock.on('close', resolve));
  sock.write(`POST /api/v1/session HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`);
  await sleep(300);
  srv.proc.kill('SIGTERM');
  await sleep(300);
  sock.write(body.slice(half));
  await withTimeout(closed, 15000, 'the answer');
  assert.match(answer, /^HTTP\/1\.1 200 /, `answer: ${answer.slice(0, 300)}`);
  assert.match(answer, /"csrf_token"/);
  const res = await withTimeout(srv.exited, 15000, 'SIGTERM');
  assert.deepEqual(res, { code: 0, signal: null });
});
