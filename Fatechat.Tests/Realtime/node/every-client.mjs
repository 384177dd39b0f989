// One chat conversation driven by each socket.io-client major version users still run:
//   node every-client.mjs <server-url> <client: v2|v3|v4> <transports: polling|upgrade|websocket>
// socket.io-client 2.x speaks Engine.IO v3 / Socket.IO v4 (no auth payload: the token goes in the query), 3.x and
// 4.x speak Engine.IO v4 / Socket.IO v5. Alice uses the client under test; Bob the current 4.x over WebSocket.
// Prints what was observed as one JSON line; EveryClientTests asserts on it.
import { createRequire } from "node:module";
import { next, partial, run, url, args } from "../../Interop/node/common.mjs";
import { isText, rest, uniq, user, waitFor } from "./chat-helpers.mjs";

const require = createRequire(import.meta.url);
const clients = {
  v2: require("socket.io-client-v2"),
  v3: require("socket.io-client-v3"),
  v4: require("socket.io-client"),
};
const [version, mode] = args;
const events = ["receiveMessage", "onlineUsers", "recentMessages", "receivePrivateMessage", "error"];

/**
 * The options each version needs for the token: over polling-only the raw token in the authorization header, as
 * the original frontend sends it; otherwise the query (2.x has nothing else) or the auth payload (3.x, 4.x).
 */
function optionsFor(client, token, transportMode) {
  const transports = { polling: ["polling"], upgrade: ["polling", "websocket"], websocket: ["websocket"] }[transportMode];
  const options = { forceNew: true, reconnection: false, transports };
  if (transportMode === "polling") {
    options.extraHeaders = { Authorization: token };
  } else if (client === "v2") {
    options.query = { token };
  } else {
    options.auth = { token };
  }
  return options;
}

/** Connects and records every chat event in arrival order (2.x has no onAny). */
async function connect(client, token, transportMode) {
  const socket = clients[client](url, optionsFor(client, token, transportMode));
  socket.received = [];
  for (const event of events) socket.on(event, (...payload) => socket.received.push({ event, payload }));
  const failed = new Promise((_, reject) => socket.on("connect_error", (e) => reject(new Error(`connect_error: ${e?.message ?? e}`))));
  await Promise.race([next(socket, "connect"), failed]);
  return socket;
}

/** An emit whose ack is awaited: 2.x has neither timeout() nor emitWithAck(). */
function request(socket, event, payload, ms = 5_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${ms} ms`)), ms);
    socket.emit(event, payload, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}


const transportOf = (socket) => socket.io.engine.transport.name;

run(async () => {
  const alice = await user("alice");
  const bob = await user("bob");
  const { name } = await rest("POST", "/api/chat", { name: `room-${uniq}` }, alice.token);
  const a = await connect(version, alice.token, mode);
  const b = await connect("v4", bob.token, "websocket");
  partial.connected = true;

  const joined = await request(a, "joinRoom", { roomName: name });
  const welcome = await waitFor(a, (e) => e.event === "receiveMessage" && typeof e.payload[0] === "string", "the welcome");
  await request(b, "joinRoom", { roomName: name });
  const online = await waitFor(a, (e) => e.event === "onlineUsers" && e.payload[0].users.length === 2, "both online");
  partial.joined = true;

  const sent = await request(a, "sendMessage", { roomName: name, message: "héllo from alice 🐙" });
  const atBob = await waitFor(b, isText("héllo from alice 🐙"), "alice's message at bob");
  const reply = await request(b, "sendMessage", { roomName: name, message: "hi alice" });
  const atAlice = await waitFor(a, isText("hi alice"), "bob's reply at alice");
  partial.messages = true;

  // Stored asynchronously: ask until the newest stored message is the reply.
  let recent;
  for (let i = 0; i < 100; i++) {
    a.emit("getRecentMessages", { roomName: name, count: 2 });
    [recent] = await next(a, "recentMessages");
    if (recent[0]?.id === reply.id) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const before = a.received.length;
  a.emit("getOnlineUsers", { roomName: name });
  const onlineAnswer = await waitFor(a, (e) => e.event === "onlineUsers" && a.received.indexOf(e) >= before, "getOnlineUsers' answer");

  const privateSent = await request(a, "sendPrivateMessage", { to: bob.email, message: "just us" });
  const privateAtBob = await waitFor(b, (e) => e.event === "receivePrivateMessage" && e.payload[0].from === alice.email, "the private message at bob");
  await request(b, "sendPrivateMessage", { to: alice.email, message: "just us, back" });
  const privateAtAlice = await waitFor(a, (e) => e.event === "receivePrivateMessage" && e.payload[0].from === bob.email, "the private message at alice");

  // A refusal arrives through the ack, as for every client.
  const refused = await request(a, "sendMessage", { roomName: name, message: "   " });
  // An upgrading client ends on WebSocket: wait for the switch rather than race it.
  for (let i = 0; mode === "upgrade" && transportOf(a) !== "websocket" && i < 500; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const transport = transportOf(a);
  const socketId = a.id;
  const engineId = a.io.engine.id;
  a.close();
  b.close();
  return {
    alice: alice.email, bob: bob.email, room: name, joined, welcome: welcome.payload[0], online: online.payload[0],
    sent, atBob: atBob.payload[0], reply, atAlice: atAlice.payload[0], recent, onlineAnswer: onlineAnswer.payload[0],
    privateSent, privateAtBob: privateAtBob.payload[0], privateAtAlice: privateAtAlice.payload[0], refused,
    transport, socketId, engineId,
  };
}, 40_000);
