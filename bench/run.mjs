#!/usr/bin/env node
// One command for the whole benchmark: builds and starts, one after another on 127.0.0.1, Fatechat (embedded
// defaults), the Node socket.io peer and the raw Kestrel ceiling; runs the same scenarios against each; prints a
// table with every figure and the ratios Fatechat/peer and Fatechat/ceiling.
//   node bench/run.mjs --quick                  smoke check, a few minutes
//   node bench/run.mjs                          full mode, the README's figures
//   --warm                                      one server process for all scenarios (default: a fresh one each)
//   --mode both                                 a cold pass and a warm pass: "cold" and "warm" columns
//   --no-strace                                 skip the syscalls scenario (skipped anyway without strace)
//   node bench/run.mjs --full-backends          adds Fatechat on MySQL/Redis/Kafka (set MYSQL_CONNECTION,
//                                               REDIS_CONNECTION, KAFKA_BOOTSTRAP_SERVERS to services you started)
//   --servers fatechat,peer,ceiling             choose the columns;  --only connect-ws,rtt   choose scenarios
//   --runs 3                                    repeat every server in turn 3 times; the table shows medians
// Results: the table on stdout, all raw JSON lines in bench/results/<time>.json and the table beside it.
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sleep } from "./load/clock.mjs";
import { machineBusySeconds } from "./load/proc-stats.mjs";
import { plans } from "./runner/plans.mjs";
import { runLoad, startServer, stopAll, stopProcess } from "./runner/processes.mjs";
import { newDataDir, serverCatalogue } from "./runner/servers.mjs";
import { renderColdStartSeries, renderNotes, renderSyscallNotes, renderTable } from "./runner/table.mjs";
import { straceAvailable } from "./load/strace.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: v } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    warm: { type: "boolean", default: false },
    mode: { type: "string" },
    "no-strace": { type: "boolean", default: false },
    "full-backends": { type: "boolean", default: false },
    servers: { type: "string" },
    only: { type: "string" },
    runs: { type: "string", default: "1" },
  },
});
const runs = Math.max(1, Number(v.runs) || 1);
// cold: a fresh server process for every scenario (what a deploy, restart or scale-out meets); warm: one process
// for all scenarios in turn (the JIT and pools warmed by the scenarios before); both: a cold pass, then a warm one.
const mode = v.mode ?? (v.warm ? "warm" : "cold");
if (!["cold", "warm", "both"].includes(mode)) throw new Error(`--mode cold|warm|both, not '${mode}'`);
const modes = mode === "both" ? ["cold", "warm"] : [mode];

const catalogue = serverCatalogue();
const serverNames = v.servers
  ? v.servers.split(",")
  : v["full-backends"]
    ? ["fatechat", "fatechat-full", "peer", "ceiling"]
    : ["fatechat", "peer", "ceiling"];
for (const s of serverNames) {
  if (!catalogue[s]) throw new Error(`unknown server '${s}' (${Object.keys(catalogue).join(", ")})`);
  catalogue[s].check?.();
}
const straceSkipped = v["no-strace"] ? "--no-strace" : straceAvailable() ? null : "strace is not installed (apt-get install strace)";
const plan = plans[v.quick ? "quick" : "full"].filter(
  (p) => (!v.only || v.only.split(",").includes(p.id)) && !(p.id === "syscalls" && straceSkipped),
);
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(repo, "bench/results");
mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
const say = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);
const loadTimeoutMs = v.quick ? 300_000 : 1_200_000;

/**
 * On a shared machine other work steals the CPU that latency depends on. Before each scenario wait (bounded)
 * until the machine is nearly idle apart from our idle server; the run notes say when it never was.
 */
async function waitForQuietMachine(maxMs) {
  const deadline = Date.now() + maxMs;
  let busy = 0;
  while (true) {
    const before = machineBusySeconds();
    await sleep(1000);
    busy = machineBusySeconds() - before;
    if (busy < 0.3 || Date.now() > deadline) return busy;
  }
}

// Every process this runner started is stopped by its PID, also on Ctrl-C or a crash.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => stopAll().finally(() => process.exit(130)));
}

// One data folder (and users file) per server for the whole run: its fresh processes find the users registered by
// earlier ones, as a restarted deployment keeps its database.
const dataDirs = Object.fromEntries(serverNames.map((name) => [name, newDataDir(name)]));
const built = new Set();

/** Builds (once per run) and starts `name`; throws when it cannot. */
async function launch(name, logFile) {
  const server = catalogue[name];
  if (!built.has(name)) {
    say(`${name}: building`);
    server.build(repo);
    built.add(name);
  }
  const spec = server.start(repo, { dataDir: dataDirs[name] });
  logFile.write(`\n==== bench: starting ${name} ====\n`);
  const started = await startServer({ ...spec, name, port: server.port, logFile });
  say(`${name}: pid ${started.pid} on port ${server.port}`);
  return started;
}

/** One scenario against a running server: { ...result, busyCoresBefore } or { error }. */
async function runStep(name, started, step, modeName) {
  const server = catalogue[name];
  const busy = await waitForQuietMachine(v.quick ? 10_000 : 60_000);
  if (busy >= 0.3) say(`${name}: machine still busy (${busy.toFixed(2)} cores used by others) — figures may suffer`);
  const args = [
    "--url", `http://127.0.0.1:${server.port}`, "--client", server.client, "--server-pid", String(started.pid),
    "--label", `${name}:${modeName}:${step.id}`, "--users-file", path.join(dataDirs[name], "bench-users.json"), ...step.args,
  ];
  say(`${name} (${modeName}): ${step.id}`);
  try {
    const line = await runLoad(args, { cwd: repo, timeoutMs: loadTimeoutMs });
    return { ...line.result, busyCoresBefore: Math.round(busy * 100) / 100 };
  } catch (err) {
    say(`${name}: ${step.id} failed: ${err.message}`);
    return { error: String(err.message) };
  }
}

/**
 * One server through the plan in one mode. cold: a fresh process per scenario. warm: one process for every
 * scenario but cold-start, which by its nature gets its own fresh process (and runs in the cold pass only).
 */
async function runServer(name, modeName, logFile) {
  const server = catalogue[name];
  const results = {};
  const steps = plan.filter((p) => (!p.needsSocketIO || server.client === "sio") && !(p.fresh && modeName === "warm" && modes.includes("cold")));
  let shared = null;
  try {
    for (const step of steps) {
      const own = modeName === "cold" || step.fresh;
      let started = own ? null : shared;
      try {
        if (!started) started = await launch(name, logFile);
        if (!own) shared = started;
      } catch (err) {
        // A server that cannot be built or started leaves empty cells, not an aborted run.
        const why = `server not started: ${err.message.split("\n")[0]}`;
        say(`${name}: ${why}`);
        for (const rest of steps.slice(steps.indexOf(step))) results[rest.id] = { error: why };
        break;
      }
      results[step.id] = await runStep(name, started, step, modeName);
      if (started.child.exitCode !== null) {
        say(`${name}: server exited (${started.child.exitCode})`);
        if (!own) shared = null; // the next scenario starts a new one
      }
      if (own) await stopProcess(started.child);
      await sleep(1000);
    }
  } finally {
    if (shared) await stopProcess(shared.child);
  }
  return results;
}

/** Every server in turn through the plan, in each mode: { column: { scenarioId: result | {error} } }. */
async function runRound(round) {
  const results = {};
  const logSuffix = runs > 1 ? `-run${round}` : "";
  for (const name of serverNames) {
    const logFile = createWriteStream(path.join(outDir, `${stamp}${logSuffix}-${name}.log`));
    try {
      for (const m of modes) results[columnKey(name, m)] = await runServer(name, m, logFile);
    } finally {
      logFile.end();
    }
  }
  return results;
}

const columnKey = (name, m) => (modes.length > 1 ? `${name} ${m}` : name);
const columns = modes.flatMap((m) => serverNames.map((name) => ({ key: columnKey(name, m), server: name, mode: m })));

// Rounds go through every server in turn, so a machine that drifts during the run weighs on all columns alike.
const rounds = [];
const runStarted = Date.now();
try {
  for (let round = 1; round <= runs; round++) {
    if (runs > 1) say(`run ${round} of ${runs}`);
    rounds.push(await runRound(round));
  }
} finally {
  await stopAll();
  for (const dir of Object.values(dataDirs)) rmSync(dir, { recursive: true, force: true });
}

const modeText = {
  cold: "every scenario on a fresh server process (cold)",
  warm: "one server process for all scenarios in turn (--warm; cold-start on its own fresh process)",
  both: "columns \"cold\" (a fresh server process per scenario) and \"warm\" (one process for all scenarios in turn)",
}[mode];
const header =
  `Fatechat benchmark, ${v.quick ? "quick" : "full"} mode, ${modeText}, ${new Date().toISOString().slice(0, 10)}; ` +
  `${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}; ${Math.round((Date.now() - runStarted) / 1000)} s` +
  (runs > 1 ? `; medians of ${runs} runs` : "");
const table = renderTable(rounds, columns);
const series = renderColdStartSeries(rounds, columns);
const notes = [...renderNotes(rounds), ...renderSyscallNotes(rounds, columns)];
if (straceSkipped && (!v.only || v.only.includes("syscalls"))) notes.push(`syscalls: not counted (${straceSkipped})`);
const report = [header, "", table, "", ...(series ? [series, ""] : []), ...notes.map((n) => `- ${n}`)].join("\n");
writeFileSync(path.join(outDir, `${stamp}.json`), JSON.stringify({ header, mode, servers: serverNames, columns, rounds }, null, 1));
writeFileSync(path.join(outDir, `${stamp}.md`), report + "\n");
console.log(report);
