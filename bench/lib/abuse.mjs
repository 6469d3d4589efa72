// The two hostile loads of `make bench` (issue 11): slow clients that trickle
// their request heads, and a flood of sign-ins. Both only ever connect to
// 127.0.0.1; they come *from* other loopback addresses (127.0.0.2 …), as
// from other hosts, since the server limits connections per address.
// Bounded in count and in time: everything is closed when fn() returns.
import http from 'node:http';
import net from 'node:net';

const loopbackOnly = (url) => {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`refusing to send load anywhere but 127.0.0.1: ${url}`);
  return u;
};

// Keeps n connections open from 127.0.0.2–9, each sending one byte of a
// request head every `every` ms; a connection the server closes is opened
// again, so n stay open. Runs fn() `lead` ms after all n have connected (or
// after 10 s): with the server's 10-second head deadline, a 5-second fn()
// then sees them all cut off and reconnect. Returns {result, cut, open}:
// fn's answer, how many the server closed, how many were open at the end.
export async function withSlowClients(url, n, fn, { every = 2000, lead = 6000 } = {}) {
  const { port } = loopbackOnly(url);
  const head = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(8000)}`;
  const socks = new Set();
  let stopping = false, cut = 0, connected = 0;
  const open = (i) => {
    const s = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 8)}` });
    s.sent = 0;
    s.on('connect', () => { connected++; });
    s.on('error', () => {});
    s.on('close', () => {
      socks.delete(s);
      if (stopping) return;
      cut++;
      setTimeout(() => { if (!stopping) open(i); }, 50);
    });
    socks.add(s);
  };
  for (let i = 0; i < n; i++) open(i);
  const tick = setInterval(() => {
    for (const s of socks) if (s.writable && s.sent < head.length) s.write(head[s.sent++]);
  }, every);
  try {
    const t = Date.now();
    while (connected < n && Date.now() - t < 10000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, lead));
    const result = await fn();
    return { result, cut, open: socks.size };
  } finally {
    stopping = true;
    clearInterval(tick);
    for (const s of socks) s.destroy();
  }
}

function signIn(port, from, email, password) {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/api/v1/session', method: 'POST', localAddress: from, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve('error'));
    req.end(body);
  });
}

// `clients` loops signing in back to back while fn() runs: half with the
// right password for `email`, half with wrong ones for unknown emails, each
// loop from its own loopback address (127.0.0.10 …). Returns {result,
// statuses}: fn's answer and the count of each sign-in status.
export async function withSignInFlood(url, clients, email, password, fn) {
  const { port } = loopbackOnly(url);
  const statuses = {};
  let stopping = false;
  const loop = async (i) => {
    const from = `127.0.0.${10 + i}`;
    for (let k = 0; !stopping; k++) {
      const st = i % 2 ? await signIn(port, from, `nobody-${i}-${k}@bench.liaison.test`, 'wrong guess')
        : await signIn(port, from, email, password);
      statuses[st] = (statuses[st] || 0) + 1;
    }
  };
  const loops = Array.from({ length: clients }, (_, i) => loop(i));
  try {
    await new Promise((r) => setTimeout(r, 500)); // the flood under way first
    const result = await fn();
    return { result, statuses };
  } finally {
    stopping = true;
    await Promise.all(loops);
  }
}
