#!/usr/bin/env node
// One command for the whole benchmark: builds and starts, one after another on 127.0.0.1, Fatechat (embedded
// defaults), the Node socket.io peer and the raw Kestrel ceiling; runs the same scenarios against each; prints a
// table with every figure and the ratios Fatechat/peer and Fatechat/ceiling.
//   node bench/run.mjs --quick                  smoke check, a few minutes
//   node bench/run.mjs                          full mode, the README's figures (~20 min)
//   node bench/run.mjs --full-backends          adds Fatechat on MySQL/Redis/Kafka (set MYSQL_CONNECTION,
//                                               REDIS_CONNECTION, KAFKA_BOOTSTRAP_SERVERS to services you started)
//   --servers fatechat,peer,ceiling             choose the columns;  --only connect-ws,rtt   choose scenarios
//   --runs 3                                    repeat every server in turn 3 times; the table shows medians
// Results: the table on stdout, all raw JSON lines in bench/results/<time>.json and the table beside it.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sleep } from "./load/clock.mjs";
import { machineBusySeconds } from "./load/proc-stats.mjs";
import { plans } from "./runner/plans.mjs";
import { runLoad, startServer, stopAll, stopProcess } from "./runner/processes.mjs";
import { serverCatalogue } from "./runner/servers.mjs";
import { renderNotes, renderTable } from "./runner/table.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: v } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "full-backends": { type: "boolean", default: false },
    servers: { type: "string" },
    only: { type: "string" },
    runs: { type: "string", default: "1" },
  },
});
const runs = Math.max(1, Number(v.runs) || 1);

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
const plan = plans[v.quick ? "quick" : "full"].filter((p) => !v.only || v.only.split(",").includes(p.id));
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(repo, "bench/results");
mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
const say = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);

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

/** Every server in turn through the plan: { serverName: { scenarioId: result | {error} } }. */
async function runRound(round) {
  const results = {};
  const logSuffix = runs > 1 ? `-run${round}` : "";
  for (const name of serverNames) {
    const server = catalogue[name];
    results[name] = {};
    let started, logFile;
    try {
      say(`${name}: building`);
      server.build(repo);
      const spec = server.start(repo);
      logFile = createWriteStream(path.join(outDir, `${stamp}${logSuffix}-${name}.log`));
      started = await startServer({ ...spec, name, port: server.port, logFile });
    } catch (err) {
      // One server that cannot be built or started leaves an empty column, not an aborted run.
      say(`${name}: not started: ${err.message.split("\n")[0]}`);
      for (const step of plan) results[name][step.id] = { error: `server not started: ${err.message.split("\n")[0]}` };
      logFile?.end();
      continue;
    }
    say(`${name}: pid ${started.pid} on port ${server.port}`);
    try {
      for (const step of plan) {
        if (step.needsSocketIO && server.client !== "sio") continue; // the ceiling has no polling transport
        const busy = await waitForQuietMachine(v.quick ? 10_000 : 60_000);
        if (busy >= 0.3) say(`${name}: machine still busy (${busy.toFixed(2)} cores used by others) — figures may suffer`);
        const args = ["--url", `http://127.0.0.1:${server.port}`, "--client", server.client, "--server-pid", String(started.pid), "--label", `${name}:${step.id}`, ...step.args];
        say(`${name}: ${step.id}`);
        try {
          const line = await runLoad(args, { cwd: repo, timeoutMs: v.quick ? 240_000 : 900_000 });
          results[name][step.id] = { ...line.result, busyCoresBefore: Math.round(busy * 100) / 100 };
        } catch (err) {
          say(`${name}: ${step.id} failed: ${err.message}`);
          results[name][step.id] = { error: String(err.message) };
        }
        if (started.child.exitCode !== null) {
          say(`${name}: server exited (${started.child.exitCode}); skipping its remaining scenarios`);
          break;
        }
        await sleep(1000);
      }
    } finally {
      await stopProcess(started.child);
      logFile.end();
    }
  }
  return results;
}

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
}

const header =
  `Fatechat benchmark, ${v.quick ? "quick" : "full"} mode, ${new Date().toISOString().slice(0, 10)}; ` +
  `${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}; ${Math.round((Date.now() - runStarted) / 1000)} s` +
  (runs > 1 ? `; medians of ${runs} runs` : "");
const table = renderTable(rounds, serverNames);
const notes = renderNotes(rounds);
const report = [header, "", table, "", ...notes.map((n) => `- ${n}`)].join("\n");
writeFileSync(path.join(outDir, `${stamp}.json`), JSON.stringify({ header, servers: serverNames, rounds }, null, 1));
writeFileSync(path.join(outDir, `${stamp}.md`), report + "\n");
console.log(report);
