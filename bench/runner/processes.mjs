// Starting and stopping the servers under test: each one is ours, tracked by PID, and stopped by that PID.
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { sleep } from "../load/clock.mjs";

const live = new Set();

/** Runs a command to completion (a build), bounded in time; throws on failure. */
export function runChecked(cmd, args, { cwd, timeoutMs }) {
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
}

export async function portInUse(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Starts a server process and waits until `readyPath` answers over HTTP (any status). */
export async function startServer({ name, cmd, args, cwd, env, port, readyPath = "/", logFile, startTimeoutMs = 90_000 }) {
  if (await portInUse(port)) throw new Error(`${name}: port ${port} is already taken; not starting (and not touching its owner)`);
  const fullEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === null || v === undefined) delete fullEnv[k]; // null = unset
  const child = spawn(cmd, args, { cwd, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.on("exit", () => live.delete(child));
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
    logFile?.write(chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${log.join("").slice(-3000)}`);
    try {
      await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      return { name, pid: child.pid, child, log };
    } catch {
      await sleep(250);
    }
  }
  await stopProcess(child);
  throw new Error(`${name} did not answer on port ${port} within ${startTimeoutMs} ms:\n${log.join("").slice(-3000)}`);
}

/** SIGTERM to this PID, SIGKILL to the same PID if it has not exited within `graceMs`. */
export async function stopProcess(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = sleep(graceMs).then(() => "timeout");
  if ((await Promise.race([exited, timer])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

export async function stopAll() {
  await Promise.all([...live].map((c) => stopProcess(c, 3000)));
}

/** Runs the load generator as a child process (bounded) and returns the parsed JSON line it prints. */
export function runLoad(args, { cwd, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/load/main.mjs", ...args], { cwd, stdio: ["ignore", "pipe", "inherit"] });
    live.add(child);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`load generator exceeded ${timeoutMs} ms: ${args.join(" ")}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      live.delete(child);
      clearTimeout(timer);
      const line = out.trim().split("\n").filter(Boolean).pop();
      if (code !== 0 || !line) return reject(new Error(`load generator exited ${code}: ${args.join(" ")}`));
      try {
        resolve(JSON.parse(line));
      } catch (err) {
        reject(err);
      }
    });
  });
}
