#!/usr/bin/env node
// Fatechat load generator. Runs one scenario against one server and prints one JSON line on stdout
// (progress on stderr). Usage:
//   node bench/load/main.mjs --url http://127.0.0.1:5202 --scenario steady --server-pid 1234 [options]
// Scenarios: connect | steady | ramp | rtt | cold-start | syscalls. Options (defaults in brackets):
//   --client sio|ws [sio]          sio = npm socket.io-client; ws = plain WebSocket for the ceiling server
//   --transports websocket|polling [websocket]   polling = polling first, then upgrade
//   --workers N [2]                load-generator processes
//   --clients N [1000]             connect: how many clients
//   --rooms R [50] --members M [20] --senders S [5]    fanout layout (connect uses --members as room size)
//   --rate D [20000]               steady: target deliveries per second
//   --duration SEC [10]            steady, cold-start and each ramp step; rtt: time bound
//   --lead-in SEC [2]              steady: sending at the rate before the measured window opens; syscalls: before strace
//   --strace-seconds SEC [5]       syscalls: how long strace -c -f stays attached to the server
//   --users-file PATH              tokens of users registered earlier against the same server data (reused, extended)
//   --ramp-start D [10000] --ramp-factor F [1.5] --ramp-max D [600000] --ramp-refine N [2] --ramp-budget SEC [240]
//   --count N [2000]               rtt: round trips
//   --text-bytes N [64]            message text length
//   --concurrency N [100]          connects in flight, across all workers
//   --server-pid PID               read the server's RSS and CPU time from /proc
//   --label NAME                   copied into the output
import { parseArgs } from "node:util";
import { Session } from "./session.mjs";
import { connect } from "./scenarios/connect.mjs";
import { ramp, steady } from "./scenarios/fanout.mjs";
import { rtt } from "./scenarios/rtt.mjs";
import { coldStart } from "./scenarios/cold-start.mjs";
import { syscalls } from "./scenarios/syscalls.mjs";

const scenarios = { connect, steady, ramp, rtt, "cold-start": coldStart, syscalls };

const { values: v } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:5202" },
    scenario: { type: "string", default: "steady" },
    client: { type: "string", default: "sio" },
    transports: { type: "string", default: "websocket" },
    workers: { type: "string", default: "2" },
    clients: { type: "string", default: "1000" },
    rooms: { type: "string", default: "50" },
    members: { type: "string", default: "20" },
    senders: { type: "string", default: "5" },
    rate: { type: "string", default: "20000" },
    duration: { type: "string", default: "10" },
    "ramp-start": { type: "string", default: "10000" },
    "ramp-factor": { type: "string", default: "1.5" },
    "ramp-max": { type: "string", default: "600000" },
    "ramp-refine": { type: "string", default: "2" },
    "ramp-budget": { type: "string", default: "240" },
    count: { type: "string", default: "2000" },
    "text-bytes": { type: "string", default: "64" },
    concurrency: { type: "string", default: "100" },
    "connect-timeout": { type: "string", default: "120" },
    "drain": { type: "string", default: "5" },
    settle: { type: "string", default: "3" },
    warmup: { type: "string", default: "-1" },
    "lead-in": { type: "string", default: "2" },
    "strace-seconds": { type: "string", default: "5" },
    "users-file": { type: "string" },
    "server-pid": { type: "string" },
    label: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const scenario = scenarios[v.scenario];
if (!scenario) {
  console.error(`unknown scenario '${v.scenario}' (${Object.keys(scenarios).join(" | ")})`);
  process.exit(2);
}

const opts = {
  scenario: v.scenario,
  url: v.url.replace(/\/$/, ""),
  client: v.client,
  transports: v.transports === "polling" ? ["polling", "websocket"] : ["websocket"],
  workers: v.scenario === "rtt" ? 1 : Number(v.workers),
  clients: Number(v.clients),
  rooms: Number(v.rooms),
  members: Number(v.members),
  senders: Number(v.senders),
  rate: Number(v.rate),
  durationMs: Number(v.duration) * 1000,
  rampStart: Number(v["ramp-start"]),
  rampFactor: Number(v["ramp-factor"]),
  rampMax: Number(v["ramp-max"]),
  rampRefine: Number(v["ramp-refine"]),
  rampBudgetMs: Number(v["ramp-budget"]) * 1000,
  count: Number(v.count),
  textBytes: Number(v["text-bytes"]),
  concurrency: Number(v.concurrency),
  connectTimeoutMs: Number(v["connect-timeout"]) * 1000,
  drainMs: Number(v.drain) * 1000,
  settleMs: Number(v.settle) * 1000,
  // connect: by default a fifth of the clients (at most 2,000) warm the server up first; 0 measures a cold process.
  warmupClients: Number(v.warmup) >= 0 ? Number(v.warmup) : Math.min(2000, Math.ceil(Number(v.clients) / 5)),
  leadInSeconds: Number(v["lead-in"]),
  straceSeconds: Number(v["strace-seconds"]),
  usersFile: v["users-file"],
  serverPid: v["server-pid"] ? Number(v["server-pid"]) : undefined,
  quiet: v.quiet,
};

const session = new Session(opts);
// Everything is bounded: a run that outlives its budget is a failure, not a hang.
const hardLimitMs = opts.rampBudgetMs + opts.connectTimeoutMs * 4 + opts.durationMs * 3 + (opts.leadInSeconds + opts.straceSeconds) * 1000 + 120_000;
const watchdog = setTimeout(() => {
  console.error(`load generator: hard time limit ${hardLimitMs} ms reached`);
  session.stop().finally(() => process.exit(3));
}, hardLimitMs);

let exitCode = 0;
try {
  const startedAt = new Date().toISOString();
  const result = await scenario(session);
  const { quiet, serverPid, ...shown } = opts;
  console.log(JSON.stringify({ label: v.label ?? null, startedAt, options: shown, serverPid: serverPid ?? null, result }));
} catch (err) {
  console.error(`load generator failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await session.stop();
}
process.exit(exitCode);
