// The transport refuses what it should (issue 11, point 5): request framing
// that two parsers could read differently (duplicate or conflicting
// Content-Length, a Transfer-Encoding other than one `chunked`, both at once)
// is answered 400 once and the connection closed; a body for a route that
// takes none is refused before it is read; a client that trickles its
// request head is cut off while a normal client is still answered; a full
// password-hashing queue is answered 503 with Retry-After at once.
// Raw sockets (net.connect) show the exact bytes that come back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, PASSWORD } from '../lib/server.mjs';

let srv, port;
before(async () => {
  srv = await startServer();
  port = Number(new URL(srv.url).port);
});
after(async () => { await srv.stop(); });

// Sends bytes on a fresh connection and collects everything until the server
// closes it, or until `wait` ms pass with the connection still open, or
// (with `expect`) 300 ms after that many whole answers arrived.
function exchange(bytes, { wait = 3000, from, expect } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', ...(from ? { localAddress: from } : {}) });
    let got = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ got, closed, answers: (got.match(/^HTTP\/1\.[01] \d{3}/gm) || []).map((l) => Number(l.slice(9))) });
    };
    s.on('data', (d) => {
      got += d;
      if (expect && whole(got) >= expect) setTimeout(() => finish(false), 300);
    });
    s.on('error', () => {});
    s.on('close', () => finish(true));
    s.on('connect', () => s.write(bytes));
    const timer = setTimeout(() => finish(false), wait);
  });
}

// How many complete answers (head and Content-Length bytes of body) `got` holds.
function whole(got) {
  let n = 0, rest = got;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return n;
    const len = Number((rest.slice(0, end).match(/\r\ncontent-length: *(\d+)/i) || [])[1] || 0);
    if (rest.length < end + 4 + len) return n;
    rest = rest.slice(end + 4 + len);
    n++;
  }
}

const signInHead = (extra) => `POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n${extra}\r\n`;
const body = JSON.stringify({ email: 'nobody@test.local', password: 'x' });

function assertRefused(r, what, status = 400, code = 'malformed_request') {
  assert.deepEqual(r.answers, [status], `${what}: exactly one answer, ${status}; got:\n${r.got}`);
  assert.match(r.got, new RegExp(`"code":"${code}"`), `${what}: error code`);
  assert.match(r.got, /\r\nConnection: close\r\n/i, `${what}: the answer says Connection: close`);
  assert.ok(r.closed, `${what}: the server closes the connection`);
}

test('a well-framed request is answered and the connection kept (the control)', async () => {
  const r = await exchange(signInHead(`Content-Length: ${body.length}\r\n`) + body, { wait: 30000, expect: 1 });
  assert.deepEqual(r.answers, [401], r.got);
  assert.equal(r.closed, false, 'keep-alive holds');
  const c = await exchange(signInHead('Transfer-Encoding: chunked\r\n') + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, { wait: 30000, expect: 1 });
  assert.deepEqual(c.answers, [401], `one chunked body is fine: ${c.got}`);
});

test('a duplicate Content-Length, even with the same value, is refused 400 and the connection closed', async () => {
  assertRefused(await exchange(signInHead(`Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n`) + body), 'duplicate');
});

test('conflicting Content-Length values are refused 400 and the connection closed', async () => {
  assertRefused(await exchange(signInHead(`Content-Length: ${body.length}\r\nContent-Length: 2\r\n`) + body), 'conflicting');
});

test('CL.TE: Content-Length with Transfer-Encoding gets one 400 and no answer for a smuggled request', async () => {
  const smuggled = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';
  const r = await exchange(signInHead('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n') + `0\r\n\r\n${smuggled}`);
  assertRefused(r, 'CL.TE');
  assert.doesNotMatch(r.got, /"status":"ok"/, 'the smuggled /healthz was not answered');
  const te = await exchange(signInHead('Transfer-Encoding: chunked\r\nContent-Length: 40\r\n') + `0\r\n\r\n${smuggled}`);
  assertRefused(te, 'TE.CL');
});

test('a Transfer-Encoding other than a single chunked is refused 400 and the connection closed', async () => {
  for (const te of ['gzip, chunked', 'chunked, chunked', 'identity', 'gzip', 'chunked;q=1', 'xchunked']) {
    assertRefused(await exchange(signInHead(`Transfer-Encoding: ${te}\r\n`) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`), `Transfer-Encoding: ${te}`);
  }
  assertRefused(await exchange(signInHead('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n') + '0\r\n\r\n'), 'two Transfer-Encoding headers');
});

test('a body for a route that takes none is refused before it is read', async () => {
  // The body never ends: the answer can only come before it is read.
  const chunked = await exchange('GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n' + 'x'.repeat(4096));
  assertRefused(chunked, 'chunked body to /healthz', 413, 'too_large');
  const sized = await exchange('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n' + 'x'.repeat(4096));
  assertRefused(sized, '100 MB Content-Length to /healthz', 413, 'too_large');
  const del = await exchange('DELETE /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\nxx');
  assertRefused(del, 'body for DELETE /api/v1/session', 413, 'too_large');
  const missing = await exchange('POST /api/v1/no-such-thing HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\nxx');
  assertRefused(missing, 'body for a path that does not exist', 404, 'not_found');
  // A body larger than the route takes is refused the same way.
  const big = await exchange(signInHead('Content-Length: 100000000\r\n') + 'x'.repeat(4096));
  assertRefused(big, '100 MB to the sign-in', 413, 'too_large');
  // Chunked, with no declared length: closed once twice the limit was read.
  const endless = await exchange(signInHead('Transfer-Encoding: chunked\r\n') + ('1000\r\n' + 'x'.repeat(4096) + '\r\n').repeat(4), { wait: 5000 });
  assert.ok(endless.closed, `an endless chunked body to the sign-in is cut: ${endless.got}`);
  // A body somewhat over the limit is read and answered 413, so a client
  // still sending sees the answer.
  const over = await exchange(signInHead('Content-Length: 5000\r\n') + 'x'.repeat(5000), { wait: 30000, expect: 1 });
  assert.deepEqual(over.answers, [413], over.got);
});

test('clients that trickle their request head are cut off; a normal client is still answered', { timeout: 120000 }, async () => {
  // 1,000 connections from 8 other loopback addresses (as from other hosts),
  // each sending one byte of a request head every 2 seconds.
  const head = 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ' + 'a'.repeat(4000);
  const socks = [];
  let connected = 0;
  for (let i = 0; i < 1000; i++) {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 8)}` });
    s.sent = 0;
    s.closedByServer = false;
    s.on('connect', () => { connected++; });
    s.on('error', () => {});
    s.on('end', () => { s.closedByServer = true; });
    s.on('close', () => { s.closedByServer = true; });
    socks.push(s);
  }
  const tick = setInterval(() => {
    for (const s of socks) if (!s.destroyed && s.writable && s.sent < head.length) s.write(head[s.sent++]);
  }, 2000);
  try {
    while (connected < 1000) await new Promise((r) => setTimeout(r, 100));
    // A normal client, meanwhile: answered (a hang guard, not a timing).
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${srv.url}/healthz`, { signal: AbortSignal.timeout(20000) });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ok' });
    }
    // And the tricklers are cut off by the server, not by us.
    while (socks.some((s) => !s.closedByServer)) await new Promise((r) => setTimeout(r, 250));
    assert.ok(socks.every((s) => s.sent < head.length), 'no trickler finished its head');
    const r = await fetch(`${srv.url}/healthz`, { signal: AbortSignal.timeout(20000) });
    assert.equal(r.status, 200);
  } finally {
    clearInterval(tick);
    for (const s of socks) s.destroy();
  }
});

test('an idle keep-alive connection is not taken for a slow client', { timeout: 60000 }, async () => {
  // One answer, then nothing for longer than the head deadline (10 s), then
  // a second request on the same connection: answered.
  const s = net.connect({ port, host: '127.0.0.1' });
  let got = '', closed = false;
  s.on('data', (d) => { got += d; });
  s.on('error', () => {});
  s.on('close', () => { closed = true; });
  await new Promise((r) => s.on('connect', r));
  const get = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';
  s.write(get);
  while (whole(got) < 1 && !closed) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 12000));
  assert.equal(closed, false, 'still open after 12 s idle');
  s.write(get);
  while (whole(got) < 2 && !closed) await new Promise((r) => setTimeout(r, 50));
  s.destroy();
  assert.equal(whole(got), 2, got);
});

test('a full password-hashing queue is answered 503 with Retry-After at once; the others are answered normally', { timeout: 120000 }, async () => {
  // 150 sign-ins at once, each on its own connection: more than the hashing
  // queue holds. Right passwords, so throttling does not answer first.
  const one = (i) => fetch(`${srv.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ email: i % 2 ? 'liaison@test.local' : 'coordinator@test.local', password: PASSWORD }),
  }).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), json: await r.json() }));
  const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => one(i)));
  const by = {};
  for (const a of answers) by[a.status] = (by[a.status] || 0) + 1;
  assert.deepEqual(Object.keys(by).sort(), ['200', '503'], `statuses: ${JSON.stringify(by)}`);
  for (const a of answers.filter((x) => x.status === 503)) {
    assert.equal(a.json.error.code, 'unavailable');
    assert.match(a.retry || '', /^\d+$/, 'Retry-After in whole seconds');
  }
  for (const a of answers.filter((x) => x.status === 200)) assert.ok(a.json.csrf_token);
  // The queue drains: a sign-in afterwards is answered normally.
  const r = await one(0);
  assert.equal(r.status, 200);
});
