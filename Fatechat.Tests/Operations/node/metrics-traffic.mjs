// Real socket.io-client traffic for MetricsTests, with /metrics scraped over HTTP along the way:
//   node metrics-traffic.mjs <server-url> <messages>
// alice connects over polling and upgrades, bob over WebSocket only; both join one room, alice sends <messages>
// acked messages and bob receives each. /metrics is read while both are connected ("connected") and again once
// both have left and the server has seen them go ("closed"). Prints both texts as one JSON line.
import { io, next, partial, run, url, args } from "../../Interop/node/common.mjs";
import { isText, rest, uniq, user, waitFor } from "../../Realtime/node/chat-helpers.mjs";

const messages = Number(args[0] ?? 20);

async function connect(options) {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  socket.received = [];
  socket.onAny((event, ...payload) => socket.received.push({ event, payload }));
  await next(socket, "connect");
  return socket;
}

async function scrape() {
  const response = await fetch(url + "/metrics");
  if (!response.ok) throw new Error(`GET /metrics -> ${response.status}`);
  return response.text();
}

/** The value of one series in a scrape, or 0 when it is absent. */
function value(text, name, labels) {
  const line = text.split("\n").find((l) => l.startsWith(name + "{") && labels.every((x) => l.includes(x)));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

run(async () => {
  const alice = await user("alice");
  const bob = await user("bob");
  const room = `metrics-${uniq}`;
  await rest("POST", "/api/chat", { name: room }, alice.token);

  const a = await connect({ transports: ["polling", "websocket"], auth: { token: alice.token } });
  const b = await connect({ transports: ["websocket"], auth: { token: bob.token } });
  const upgradeDeadline = Date.now() + 10_000;
  while (a.io.engine.transport.name !== "websocket") {
    if (Date.now() > upgradeDeadline) throw new Error("alice did not upgrade within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  partial.upgraded = true;

  await a.timeout(5000).emitWithAck("joinRoom", { roomName: room });
  await b.timeout(5000).emitWithAck("joinRoom", { roomName: room });
  for (let i = 0; i < messages; i++) {
    const ack = await a.timeout(5000).emitWithAck("sendMessage", { roomName: room, message: `metrics ${i}` });
    if (!ack.ok) throw new Error(`send ${i} refused: ${JSON.stringify(ack)}`);
  }
  await waitFor(b, isText(`metrics ${messages - 1}`), "the last message at bob");
  partial.delivered = b.received.filter((e) => e.event === "receiveMessage" && e.payload[0]?.messageText?.startsWith("metrics ")).length;
  const connected = await scrape();

  a.close();
  b.close();
  // The server counts a close when it sees it: wait until both websocket closes are in the scrape.
  const before = value(connected, "fatechat_engineio_connections_closed_total", ['transport="websocket"', 'reason="transport close"']);
  let closed = await scrape();
  const deadline = Date.now() + 10_000;
  while (value(closed, "fatechat_engineio_connections_closed_total", ['transport="websocket"', 'reason="transport close"']) < before + 2) {
    if (Date.now() > deadline) throw new Error("the two closes were not counted within 10 s");
    await new Promise((r) => setTimeout(r, 50));
    closed = await scrape();
  }

  return { delivered: partial.delivered, connected, closed };
}, 60_000);
