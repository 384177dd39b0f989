// Steady acked traffic for the fault tests (Faults/*.cs), with the real socket.io-client:
//   node traffic.mjs <config.json>
// config: {room, runId, intervalMs, ackTimeoutMs, switches: {name: [url, ...]},
//          clients: [{name, mail, token, url | "switch:<name>", send, reconnect}]}
// Every client joins the room (again after each reconnect that was not recovered), records each receiveMessage
// with the time it arrived, and, when `send`, sends one acked sendMessage (with a clientMessageId) every
// intervalMs while it is in the room, one at a time. A send not acked within ackTimeoutMs counts as unacked.
// Commands, one JSON line each on stdin, each answered by one line carrying its req:
//   {cmd:"recent", client, req}   getRecentMessages {count: 100} → {phase:"recent", ids, ms}
//   {cmd:"online", client, req}   getOnlineUsers → {phase:"online", users}
//   {cmd:"stopSending", req}      no new sends; answers once the last ones settled → {phase:"stopped"}
//   {cmd:"summary", req}          everything recorded → {phase:"summary", clients: [...]}
// First line: {phase:"ready"} once every client has joined.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";
import { fail, print, watchdog } from "../../Cluster/node/phases.mjs";
import { tcpSwitch } from "./switch.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
watchdog(config.watchdogMs ?? 170_000);
const ms = (t) => new Promise((r) => setTimeout(r, t));
let sending = true;

function start(spec, url) {
  const c = { spec, seq: 0, inFlight: false, joined: false, sends: [], received: [], connects: [], disconnects: [], joins: [], joinErrors: [], connectErrors: 0 };
  const socket = io(url, {
    auth: { token: spec.token }, transports: ["websocket"], forceNew: true, timeout: 5_000,
    reconnection: spec.reconnect, reconnectionDelay: 200, reconnectionDelayMax: 1_000,
  });
  c.socket = socket;
  socket.on("connect", async () => {
    const at = Date.now();
    c.connects.push({ at, recovered: socket.recovered });
    if (socket.recovered) {
      // The server put the socket back in its rooms and replays what it missed: no join needed.
      c.joined = true;
      c.joins.push({ at, recovered: true });
      return;
    }
    try {
      const ack = await socket.timeout(10_000).emitWithAck("joinRoom", { roomName: config.room });
      if (ack?.ok && socket.connected) {
        c.joined = true;
        c.joins.push({ at: Date.now(), recovered: false });
      } else {
        c.joinErrors.push({ at: Date.now(), error: JSON.stringify(ack) });
      }
    } catch (e) {
      c.joinErrors.push({ at: Date.now(), error: String(e.message) });
    }
  });
  socket.on("disconnect", (reason, details) => {
    c.joined = false;
    // details (a closed transport only): the WebSocket close code and reason the server sent, when it sent one.
    c.disconnects.push({ at: Date.now(), reason, code: details?.context?.code ?? null, closeReason: details?.context?.reason?.toString() ?? null });
    // A server that ends the session with a Socket.IO disconnect gets no automatic reconnection: ask for one.
    if (reason === "io server disconnect" && spec.reconnect) setTimeout(() => socket.connect(), 200);
  });
  socket.on("connect_error", () => c.connectErrors++);
  socket.on("receiveMessage", (m) => {
    if (m && typeof m === "object" && !m.isEvent) c.received.push([m.id, Date.now()]);
  });
  const timer = setInterval(() => send(c), config.intervalMs);
  timer.unref();
  return c;
}

function send(c) {
  if (!sending || !c.spec.send || !c.joined || c.inFlight) return;
  const seq = ++c.seq;
  const s = { seq, text: `${config.runId} ${c.spec.name} #${seq}`, sentAt: Date.now(), ackAt: null, ok: false, id: null, error: null };
  c.sends.push(s);
  c.inFlight = true;
  c.socket.timeout(config.ackTimeoutMs).emitWithAck("sendMessage", { roomName: config.room, message: s.text, clientMessageId: `${c.spec.name}-${seq}` })
    .then((ack) => {
      s.ackAt = Date.now();
      s.ok = ack?.ok === true;
      s.id = ack?.id ?? null;
      s.error = s.ok ? null : JSON.stringify(ack);
    })
    .catch((e) => (s.error = String(e.message)))
    .finally(() => (c.inFlight = false));
}

async function answer(c, cmd) {
  const started = Date.now();
  try {
    if (cmd.cmd === "recent") {
      const rows = await c.socket.timeout(10_000).emitWithAck("getRecentMessages", { roomName: config.room, count: 100 });
      print({ phase: "recent", req: cmd.req, ms: Date.now() - started, ids: rows.filter((r) => !r.is_event).map((r) => r.id) });
    } else if (cmd.cmd === "online") {
      const payload = await c.socket.timeout(10_000).emitWithAck("getOnlineUsers", { roomName: config.room });
      print({ phase: "online", req: cmd.req, ms: Date.now() - started, users: payload?.users ?? null });
    }
  } catch (e) {
    print({ phase: cmd.cmd, req: cmd.req, ms: Date.now() - started, error: String(e.message), connected: c.socket.connected });
  }
}

async function main() {
  const switches = {};
  for (const [name, urls] of Object.entries(config.switches ?? {})) switches[name] = await tcpSwitch(urls);
  const clients = config.clients.map((spec) =>
    start(spec, spec.url.startsWith("switch:") ? switches[spec.url.slice(7)].url : spec.url));
  const byName = Object.fromEntries(clients.map((c) => [c.spec.name, c]));

  const readyBy = Date.now() + 30_000;
  while (clients.some((c) => !c.joined)) {
    if (Date.now() > readyBy) throw new Error(`not joined within 30 s: ${clients.filter((c) => !c.joined).map((c) => c.spec.name)}`);
    await ms(20);
  }
  print({ phase: "ready", at: Date.now() });

  const lines = createInterface({ input: process.stdin });
  lines.on("line", async (line) => {
    const cmd = JSON.parse(line);
    if (cmd.cmd === "recent" || cmd.cmd === "online") return answer(byName[cmd.client], cmd);
    if (cmd.cmd === "stopSending") {
      sending = false;
      while (clients.some((c) => c.inFlight)) await ms(20);
      return print({ phase: "stopped", req: cmd.req, at: Date.now() });
    }
    if (cmd.cmd === "summary") {
      print({
        phase: "summary", req: cmd.req, at: Date.now(),
        switched: Object.fromEntries(Object.entries(switches).map(([n, s]) => [n, s.chosen])),
        clients: clients.map(({ spec, sends, received, connects, disconnects, joins, joinErrors, connectErrors }) =>
          ({ name: spec.name, mail: spec.mail, sends, received, connects, disconnects, joins, joinErrors, connectErrors })),
      });
      for (const c of clients) c.socket.close();
      for (const s of Object.values(switches)) s.close();
      return setTimeout(() => process.exit(0), 100);
    }
  });
}

main().catch(fail);
