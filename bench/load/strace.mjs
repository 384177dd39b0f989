// Counting a server's system calls with `strace -c -f -p PID`: attach to every thread for a few seconds, detach with
// SIGINT (strace then writes its summary), parse the summary table. strace stops the traced threads at every call,
// so the server runs slower meanwhile: the counts per delivery are what matters, not the rate reached.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sleep } from "./clock.mjs";

export function straceAvailable() {
  const r = spawnSync("strace", ["-V"], { stdio: "ignore", timeout: 5000 });
  return r.status === 0;
}

/** Traces `pid` for `seconds`; returns { calls: {name: n}, total, errors } from strace's -c summary. */
export async function traceSyscalls(pid, seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), "fatechat-bench-strace-"));
  const out = path.join(dir, "summary.txt");
  const child = spawn("strace", ["-c", "-f", "-p", String(pid), "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await sleep(seconds * 1000);
    child.kill("SIGINT");
    const done = await Promise.race([exited, sleep(10_000).then(() => "timeout")]);
    if (done === "timeout") {
      child.kill("SIGKILL"); // detaching from thousands of pending calls should not take this long
      await exited;
      throw new Error("strace did not detach within 10 s");
    }
    const text = readFileSync(out, "utf8");
    const parsed = parseSummary(text);
    if (parsed.total === 0) throw new Error(`strace counted nothing: ${stderr.slice(-300)}`);
    return parsed;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines "% time  seconds  usecs/call  calls  [errors]  syscall"; the `total` line is left out. */
export function parseSummary(text) {
  const calls = {};
  let total = 0, errors = 0;
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !/^\d+(\.\d+)?$/.test(f[0]) || !/^\d+$/.test(f[3])) continue;
    const name = f[f.length - 1];
    if (name === "total") continue;
    calls[name] = (calls[name] ?? 0) + Number(f[3]);
    total += Number(f[3]);
    if (f.length === 6) errors += Number(f[4]);
  }
  return { calls, total, errors };
}
