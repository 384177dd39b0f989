// Reads a process's resident memory and CPU time from /proc (Linux only).
import { readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86_64 and arm64

export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * CPU time of the process and all its threads, in seconds: `user` (utime) is the server's own code, `kernel`
 * (stime) the system calls and wake-ups it causes. Resolution: one clock tick, 10 ms.
 */
export function cpuTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const user = Number(fields[11]) / CLOCK_TICKS_PER_SECOND;
  const kernel = Number(fields[12]) / CLOCK_TICKS_PER_SECOND;
  return { user, kernel, total: user + kernel };
}

/** A sampler that is a no-op when no server PID was given. */
export function serverProbe(pid) {
  if (!pid) return { rss: () => null, cpu: () => null };
  return { rss: () => rssBytes(pid), cpu: () => cpuTimes(pid) };
}

/** Busy CPU seconds of the whole machine (all processes, every container on this kernel), from /proc/stat. */
export function machineBusySeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  void idle, void iowait;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}
