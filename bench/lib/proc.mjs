// Every process the benchmark starts is registered here and stopped on exit,
// on SIGINT/SIGTERM and on an uncaught error: by its own pid, never by name.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const children = new Set();
const finalizers = [];
let cleaned = false;

export function track(proc) {
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  return proc;
}

// Runs fn (synchronous) at cleanup, newest first: a PostgreSQL cluster's stop.
export function atCleanup(fn) {
  finalizers.push(fn);
  return () => { const i = finalizers.indexOf(fn); if (i >= 0) finalizers.splice(i, 1); };
}

export function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const p of children) {
    try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + 3000;
  for (const p of children) {
    while (Date.now() < deadline) {
      try { process.kill(p.pid, 0); } catch { break; }
      spawnSync('sleep', ['0.05']);
    }
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const fn of finalizers.reverse()) {
    try { fn(); } catch (e) { console.error(`bench: cleanup: ${e.message}`); }
  }
}

process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { console.error(`\nbench: ${sig}: stopping what was started`); cleanup(); process.exit(130); });
}
process.on('uncaughtException', (e) => { console.error(`bench: ${e.stack || e}`); cleanup(); process.exit(1); });
process.on('unhandledRejection', (e) => { console.error(`bench: ${e?.stack || e}`); cleanup(); process.exit(1); });

// Runs a command to completion; throws with its stderr on failure.
export function run(cmd, args, { input, env, cwd, quiet } = {}) {
  const r = spawnSync(cmd, args, { input, cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
  if (!quiet && r.stderr && process.env.BENCH_VERBOSE) process.stderr.write(r.stderr);
  return r.stdout;
}

// Starts a long-running process, tracked; resolves with it and its output.
// logFd: a file descriptor for the process's stdout and stderr (a server's
// log under load goes to a file, not through a pipe this process must drain).
export function start(cmd, args, { env, cwd, logFd } = {}) {
  const stdio = logFd !== undefined ? ['ignore', logFd, logFd] : ['ignore', 'pipe', 'pipe'];
  const proc = track(spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio }));
  proc.out = '';
  proc.err = '';
  proc.stdout?.on('data', (d) => { proc.out += d; });
  proc.stderr?.on('data', (d) => { proc.err += d; });
  return proc;
}

// Runs a command asynchronously (tracked, so an interrupt stops it too).
export function runAsync(cmd, args, { env } = {}) {
  return new Promise((resolve, reject) => {
    const proc = start(cmd, args, { env });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(proc.out) : reject(new Error(`${cmd} exited ${code}: ${proc.err.trim().slice(-2000)}`))));
  });
}

export async function stop(proc, signal = 'SIGTERM', timeoutMs = 10000) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  try { process.kill(proc.pid, signal); } catch { return; }
  const t = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
  await done;
  clearTimeout(t);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
