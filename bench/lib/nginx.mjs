// The baseline web server: Debian's nginx serving the identical response
// bytes as static files, with the same security and cache headers Liaison
// sends, from a temporary prefix (as tests/api/scale.test.mjs runs it).
// worker_processes auto: nginx at its best on this machine.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { atCleanup, freePort, run, sleep, start, stop } from './proc.mjs';

// files: {"/api/v1/partners/12": Buffer, ...}; headers: [[name, value], ...]
export async function startNginx(files, headers, contentType) {
  const dir = mkdtempSync(join(process.env.BENCH_TMP || tmpdir(), 'liaison-bench-nginx-'));
  const forget = atCleanup(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755); // nginx's workers run as an unprivileged user when started as root
  mkdirSync(join(dir, 'tmp'));
  for (const [path, body] of Object.entries(files)) {
    const f = join(dir, 'www', path);
    mkdirSync(dirname(f), { recursive: true, mode: 0o755 });
    writeFileSync(f, body, { mode: 0o644 });
  }
  const port = await freePort();
  const add = headers.map(([k, v]) => `    add_header ${k} "${v.replace(/"/g, '\\"')}" always;`).join('\n');
  const conf = `
worker_processes auto;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server_tokens off;
  etag off;
  types { }
  default_type "${contentType}";
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location / {
      try_files $uri =404;
${add}
    }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const args = ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')];
  run('nginx', ['-t', '-q', ...args]);
  const proc = start('nginx', args);
  const url = `http://127.0.0.1:${port}`;
  let last = null;
  for (let i = 0; i < 200; i++) {
    try {
      const first = Object.keys(files)[0];
      const r = await fetch(url + first);
      last = r.status;
      if (r.status === 200) {
        return { proc, url, dir, stop: async () => { await stop(proc, 'SIGQUIT'); rmSync(dir, { recursive: true, force: true }); forget(); } };
      }
    } catch { /* not yet */ }
    if (proc.exitCode !== null) break;
    await sleep(25);
  }
  throw new Error(`nginx did not serve the files (last status ${last}): ${proc.err}`);
}
