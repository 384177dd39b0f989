// One load-generator process: holds a share of the clients, sends its share of the messages, and records the
// latency of every chat message its clients receive. Driven by the coordinator (main.mjs) over IPC.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createClient } from "./clients.mjs";
import { nowUs, sleep } from "./clock.mjs";
import { Histogram } from "./histogram.mjs";

/** @type {{key:number, room:string, sender:boolean, client:any, joined:boolean}[]} */
let members = [];
const steps = new Map(); // step id -> { received, hist }
let disconnects = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function stepStats(step) {
  let s = steps.get(step);
  if (!s) steps.set(step, (s = { received: 0, hist: new Histogram() }));
  return s;
}

// Message text: "b|<step>|<send time µs>|<sender key>|<padding>".
function onChat(text) {
  const now = nowUs();
  const a = text.indexOf("|", 2);
  const b = text.indexOf("|", a + 1);
  if (a < 0 || b < 0) return;
  const s = stepStats(text.slice(2, a));
  s.received++;
  s.lastUs = now;
  s.hist.record(now - Number(text.slice(a + 1, b)));
}

async function waitUntil(us) {
  const ms = (us - nowUs()) / 1000;
  if (ms > 0) await sleep(ms);
}

async function setup({ url, kind, transports, clients, concurrency, timeoutMs, startAtUs }) {
  await waitUntil(startAtUs);
  const deadline = Date.now() + timeoutMs;
  const connectHist = new Histogram();
  const errors = [];
  let connected = 0, failed = 0, joined = 0, upgraded = 0;
  let lastConnectedUs = 0, lastJoinedUs = 0, lastUpgradedUs = 0;
  const joins = [];
  let next = 0;

  async function lane() {
    while (next < clients.length && Date.now() < deadline) {
      const spec = clients[next++];
      const client = createClient(kind, url, spec.token, transports);
      const member = { ...spec, client, joined: false };
      client.onChat = onChat;
      client.onDisconnect = () => disconnects++;
      client.onUpgrade = () => {
        upgraded++;
        lastUpgradedUs = nowUs();
      };
      const t0 = nowUs();
      try {
        await withTimeout(client.connect(), deadline - Date.now());
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push(String(err?.message ?? err));
        client.close();
        continue;
      }
      lastConnectedUs = nowUs();
      connectHist.record(lastConnectedUs - t0);
      connected++;
      members.push(member);
      joins.push(
        withTimeout(client.join(spec.room), deadline - Date.now()).then(
          () => {
            member.joined = true;
            joined++;
            lastJoinedUs = nowUs();
          },
          () => {},
        ),
      );
    }
  }

  await Promise.all(Array.from({ length: concurrency }, lane));
  await Promise.all(joins);
  // Polling clients: the figure is "until all upgraded", so wait (bounded) for the upgrades still in flight.
  while (transports.length > 1 && upgraded < connected && Date.now() < deadline) await sleep(20);
  failed += clients.length - connected - failed; // never started before the deadline
  const joinedByRoom = {};
  for (const m of members) if (m.joined) joinedByRoom[m.room] = (joinedByRoom[m.room] ?? 0) + 1;
  return { connected, failed, joined, upgraded, lastConnectedUs, lastJoinedUs, lastUpgradedUs, errors, connectHist, joinedByRoom };
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), Math.max(0, ms)))),
  ]).finally(() => clearTimeout(timer));
}

/** Open loop: messages leave on schedule whatever the replies do; the tick catches up if the loop was late. */
/** `perSecond`: the step id gets the second of sending (`<step>.<k>`), so that each second has its own figures. */
async function fanout({ step, ratePerSec, durationMs, startAtUs, textBytes, perSecond = false }) {
  const senders = members.filter((m) => m.sender && m.joined);
  const sentByRoom = {};
  if (senders.length === 0 || ratePerSec <= 0) return { sent: 0, sentByRoom, maxTickLagMs: 0 };
  await waitUntil(startAtUs);
  const pad = "x".repeat(Math.max(0, textBytes - 32));
  const start = nowUs();
  const endUs = start + durationMs * 1000;
  let sent = 0, rr = 0, maxTickLagMs = 0, lastTick = start;
  const tickMs = 5;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = nowUs();
      const lag = (now - lastTick) / 1000 - tickMs;
      if (lag > 50 && process.env.BENCH_DEBUG) process.stderr.write(`worker ${process.pid} tick late ${lag.toFixed(0)} ms at ${((now - start) / 1000).toFixed(0)} ms\n`);
      maxTickLagMs = Math.max(maxTickLagMs, lag);
      lastTick = now;
      const due = Math.floor(((Math.min(now, endUs) - start) / 1e6) * ratePerSec);
      while (sent < due) {
        const m = senders[rr++ % senders.length];
        const at = nowUs();
        const id = perSecond ? `${step}.${Math.floor((at - startAtUs) / 1e6)}` : step;
        m.client.send(m.room, `b|${id}|${Math.round(at)}|${m.key}|${pad}`);
        sentByRoom[m.room] = (sentByRoom[m.room] ?? 0) + 1;
        sent++;
      }
      if (now >= endUs) {
        clearInterval(timer);
        resolve({ sent, sentByRoom, maxTickLagMs });
      }
    }, tickMs);
  });
}

async function rtt({ n, timeoutMs }) {
  const m = members.find((x) => x.joined);
  if (!m) throw new Error("no joined client for rtt");
  const hist = new Histogram();
  const deadline = Date.now() + timeoutMs;
  const original = m.client.onChat;
  let waiting = null;
  m.client.onChat = (text) => waiting?.(text);
  try {
    for (let i = 0; i < n && Date.now() < deadline; i++) {
      const text = `b|rtt|${i}|${m.key}|`;
      const t0 = nowUs();
      const got = new Promise((resolve) => (waiting = (t) => t === text && resolve()));
      m.client.send(m.room, text);
      await withTimeout(got, deadline - Date.now()).catch(() => {});
      if (Date.now() >= deadline) break;
      hist.record(nowUs() - t0);
    }
  } finally {
    m.client.onChat = original;
  }
  return { hist };
}

async function close() {
  const all = members;
  members = [];
  await Promise.all(all.map((m) => m.client.close()));
  await sleep(200);
  return { closed: all.length };
}

const handlers = {
  setup,
  fanout,
  rtt,
  close,
  stats: ({ step }) => {
    const s = steps.get(String(step)) ?? { received: 0, hist: new Histogram() };
    return { received: s.received, hist: s.hist, lastReceiveUs: s.lastUs ?? 0, disconnects };
  },
  cpu: () => {
    const u = process.cpuUsage();
    const result = { cpuUs: u.user + u.system, atUs: nowUs(), loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
    loopDelay.reset();
    return result;
  },
  counts: () => ({ received: Object.fromEntries([...steps].map(([k, v]) => [k, v.received])), disconnects }),
};

process.on("message", async ({ id, cmd, args }) => {
  try {
    const result = await handlers[cmd](args ?? {});
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on("disconnect", () => process.exit(0));
