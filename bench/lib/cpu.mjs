// How much of the machine other processes used while a scenario ran: the
// busy CPU time of the whole machine (/proc/stat) minus that of this process
// and everything it started (live descendants, plus reaped children through
// cutime/cstime). On a shared machine this says how far to trust a figure.
import { readdirSync, readFileSync } from 'node:fs';

function machineBusy() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]), cutime: Number(rest[13]), cstime: Number(rest[14]) };
  } catch { return null; }
}

function ours() {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (s) procs.set(Number(d), s);
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of procs) if (!mine.has(pid) && mine.has(s.ppid)) { mine.add(pid); grew = true; }
  }
  let t = 0;
  for (const pid of mine) {
    const s = procs.get(pid);
    if (!s) continue;
    t += s.utime + s.stime + (pid === process.pid ? s.cutime + s.cstime : 0);
  }
  return t;
}

export function cpuMeter() {
  const m0 = machineBusy(), o0 = ours();
  return () => {
    const m1 = machineBusy(), o1 = ours();
    const total = m1.total - m0.total;
    const others = Math.max(0, (m1.busy - m0.busy) - (o1 - o0));
    return total > 0 ? others / total : 0; // share of all CPUs' time
  };
}
