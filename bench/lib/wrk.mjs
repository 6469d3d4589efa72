// wrk (Debian) on loopback with fixed settings; its output parsed into
// {rps, p50, p99 (ms), requests, errors}. A run with any non-2xx answer or
// socket error is refused: no figure is reported from failed requests.
import { join } from 'node:path';
import { runAsync } from './proc.mjs';

const LUA = join(import.meta.dirname, 'wrk.lua');

export const PROFILES = {
  // Throughput: the read, list and write scenarios and their baselines.
  throughput: {
    threads: Number(process.env.WRK_THREADS || 2),
    connections: Number(process.env.WRK_CONNECTIONS || 16),
    duration: Number(process.env.WRK_DURATION || 5),
  },
  // Latency: one connection, back-to-back requests: the time a request
  // takes, without queueing behind others (latency targets).
  latency: {
    threads: 1,
    connections: Number(process.env.WRK_LATENCY_CONNECTIONS || 1),
    duration: Number(process.env.WRK_DURATION || 5),
  },
};

function ms(v, unit) {
  const x = Number(v);
  return unit === 'us' ? x / 1000 : unit === 's' ? x * 1000 : unit === 'm' ? x * 60000 : x;
}

export function parseWrk(out) {
  const num = (re) => { const m = out.match(re); return m ? m : null; };
  const rps = num(/Requests\/sec:\s+([\d.]+)/);
  const p = (q) => { const m = num(new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm')); return m ? ms(m[1], m[2]) : null; };
  const req = num(/(\d+) requests in ([\d.]+)(us|ms|s|m)/);
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
  const sock = num(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  if (!rps || !req) throw new Error(`wrk output not understood:\n${out}`);
  return {
    rps: Number(rps[1]),
    p50: p(50),
    p99: p(99),
    requests: Number(req[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
  };
}

// One wrk run. opts: {profile, headers:{}, method, bodyFile}
export async function wrk(url, { profile = 'throughput', headers = {}, method, bodyFile, duration } = {}) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to send load anywhere but 127.0.0.1: ${url}`);
  const p = PROFILES[profile];
  const args = ['-t', String(p.threads), '-c', String(p.connections), '-d', `${duration ?? p.duration}s`, '--latency', '--timeout', '10s'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const env = {};
  if (method || bodyFile) {
    args.push('-s', LUA);
    env.BENCH_METHOD = method || 'GET';
    if (bodyFile) env.BENCH_BODY_FILE = bodyFile;
  }
  args.push(url);
  const out = await runAsync('wrk', args, { env });
  const r = parseWrk(out);
  if (r.non2xx || r.socketErrors)
    throw new Error(`wrk ${url}: ${r.non2xx} non-2xx answers, ${r.socketErrors} socket errors — no figure taken\n${out}`);
  r.settings = `wrk -t${p.threads} -c${p.connections} -d${duration ?? p.duration}s`;
  return r;
}

export function summarise(runs, key) {
  const v = runs.map((r) => r[key]).filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!v.length) return null;
  return { median: v[Math.floor((v.length - 1) / 2)], min: v[0], max: v[v.length - 1], all: runs.map((r) => r[key]) };
}
