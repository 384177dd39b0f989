#!/usr/bin/env node
// One command for the whole benchmark: builds and starts, one after another on 127.0.0.1, Fatechat (embedded
// defaults), the Node socket.io peer and the raw Kestrel ceiling; runs the same scenarios against each; prints a
// table with every figure and the ratios Fatechat/peer and Fatechat/ceiling.
//   node bench/run.mjs --quick                  smoke check, a few minutes
//   node bench/run.mjs                          full mode, the README's figures (~20 min)
//   node bench/run.mjs --full-backends          adds Fatechat on MySQL/Redis/Kafka (set MYSQL_CONNECTION,
//                                               REDIS_CONNECTION, KAFKA_BOOTSTRAP_SERVERS to services you started)
//   --servers fatechat,peer,ceiling             choose the columns;  --only connect-ws,rtt   choose scenarios
// Results: the table on stdout, all raw JSON lines in bench/results/<time>.json and the table beside it.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sleep } from "./load/clock.mjs";
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
  },
});

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
const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// Every process this runner started is stopped by its PID, also on Ctrl-C or a crash.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => stopAll().finally(() => process.exit(130)));
}

const results = {};
const runStarted = Date.now();
try {
  for (const name of serverNames) {
    const server = catalogue[name];
    results[name] = {};
    say(`${name}: building`);
    server.build(repo);
    const spec = server.start(repo);
    const logFile = createWriteStream(path.join(outDir, `${stamp}-${name}.log`));
    const started = await startServer({ ...spec, name, port: server.port, logFile });
    say(`${name}: pid ${started.pid} on port ${server.port}`);
    try {
      for (const step of plan) {
        const args = ["--url", `http://127.0.0.1:${server.port}`, "--client", server.client, "--server-pid", String(started.pid), "--label", `${name}:${step.id}`, ...step.args];
        say(`${name}: ${step.id}`);
        try {
          const line = await runLoad(args, { cwd: repo, timeoutMs: v.quick ? 240_000 : 900_000 });
          results[name][step.id] = line.result;
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
} finally {
  await stopAll();
}

const header =
  `Fatechat benchmark, ${v.quick ? "quick" : "full"} mode, ${new Date().toISOString().slice(0, 10)}; ` +
  `${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}; ${Math.round((Date.now() - runStarted) / 1000)} s`;
const table = renderTable(results, serverNames);
const notes = renderNotes(results);
const report = [header, "", table, "", ...notes.map((n) => `- ${n}`)].join("\n");
writeFileSync(path.join(outDir, `${stamp}.json`), JSON.stringify({ header, servers: serverNames, results }, null, 1));
writeFileSync(path.join(outDir, `${stamp}.md`), report + "\n");
console.log(report);
