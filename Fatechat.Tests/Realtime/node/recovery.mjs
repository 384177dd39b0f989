// Connection state recovery with the real socket.io-client 4.8.4, through a TCP relay that plays the load
// balancer, so that the client reconnects by itself, to whichever node the relay now points at:
//   node recovery.mjs <aliceNodeUrl> <bobNodeUrl> <room> <aliceMail> <aliceToken> <bobMail> <bobToken> <then>
// <then>: "same" (the connection drops, the client comes back to the same node), "other" (back to Bob's node),
// "wait:<ms>" (back to the same node after ms), "twice" (as "same", then a second drop with one more message
// missed), "stdin" (prints {"phase":"ready"}, waits for a line — the test
// kills Alice's node meanwhile — then sends to Bob's node).
// While Alice is away Bob sends three room messages and a private one; then one more once she is back.
// Prints {"phase":"done", ...}: whether she recovered, her socket ids, and every message she got, in order.
import net from "node:net";
import { io } from "socket.io-client";
import { createInterface } from "node:readline";
import { fail, print, watchdog } from "../../Cluster/node/phases.mjs";

const [aliceUrl, bobUrl, room, aliceMail, aliceToken, bobMail, bobToken, then] = process.argv.slice(2);
watchdog(100_000);
const ms = (t) => new Promise((r) => setTimeout(r, t));

/** The balancer: forwards each connection to the current target; closed, it refuses them all. */
function relay(target) {
  const open = new Set();
  const state = { target, closed: false };
  const server = net.createServer((client) => {
    if (state.closed) return client.destroy();
    const { hostname, port } = new URL(state.target);
    const upstream = net.connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    client.pipe(upstream).pipe(client);
    for (const s of [client, upstream]) {
      s.on("error", () => {});
      s.on("close", () => { client.destroy(); upstream.destroy(); open.delete(s); });
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    cut() { state.closed = true; for (const s of open) s.destroy(); },
    reopen(to) { state.target = to; state.closed = false; },
  })));
}

async function waitFor(what, check, limit = 15_000) {
  const started = Date.now();
  while (Date.now() - started < limit) {
    const found = check();
    if (found) return found;
    await ms(20);
  }
  throw new Error(`no ${what} within ${limit} ms`);
}

function ack(socket, event, payload) {
  return socket.timeout(10_000).emitWithAck(event, payload);
}

try {
  const balancer = await relay(aliceUrl);
  const alice = io(balancer.url, {
    auth: { token: aliceToken }, transports: ["websocket"], reconnectionDelay: 200, reconnectionDelayMax: 500, timeout: 5_000,
  });
  const got = [];
  alice.on("receiveMessage", (m, offset) => got.push({ kind: "room", text: typeof m === "string" ? m : m.messageText, id: m.id, offset }));
  alice.on("receivePrivateMessage", (m, offset) => got.push({ kind: "private", text: m.messageText, id: m.id, offset }));
  const connects = [];
  alice.on("connect", () => connects.push({ id: alice.id, recovered: alice.recovered }));
  await waitFor("alice's connect", () => connects.length === 1);
  const bob = io(bobUrl, { auth: { token: bobToken }, transports: ["websocket"], reconnection: false });
  await new Promise((resolve, reject) => { bob.once("connect", resolve); bob.once("connect_error", reject); });

  await ack(alice, "joinRoom", { roomName: room });
  await ack(bob, "joinRoom", { roomName: room });
  await ack(bob, "sendMessage", { roomName: room, message: "before" });
  await waitFor("'before' at alice", () => got.some((m) => m.text === "before"));

  balancer.cut();
  if (then === "stdin") {
    print({ phase: "ready" });
    await new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve));
  }
  await waitFor("alice noticing the drop", () => !alice.connected);
  const missed = [];
  for (const text of ["missed 1", "missed 2", "missed 3"]) {
    missed.push((await ack(bob, "sendMessage", { roomName: room, message: text })).id);
  }
  missed.push((await ack(bob, "sendPrivateMessage", { to: aliceMail, message: "missed privately" })).id);
  if (then.startsWith("wait:")) await ms(Number(then.slice(5)));
  // Give the node that serves Alice next time to deliver them (a real client would simply take this long).
  await ms(300);
  balancer.reopen(then === "same" || then.startsWith("wait:") ? aliceUrl : bobUrl);
  await waitFor("alice's reconnect", () => connects.length === 2, 20_000);
  // What an app does on a fresh session: join again (and load history).
  if (!alice.recovered) await ack(alice, "joinRoom", { roomName: room });

  await ack(bob, "sendMessage", { roomName: room, message: "after" });
  await waitFor("'after' at alice", () => got.some((m) => m.text === "after"));
  if (then === "twice") {
    balancer.cut();
    await waitFor("alice noticing the second drop", () => !alice.connected);
    missed.push((await ack(bob, "sendMessage", { roomName: room, message: "missed again" })).id);
    await ms(300);
    balancer.reopen(aliceUrl);
    await waitFor("alice's second reconnect", () => connects.length === 3, 20_000);
    await ack(bob, "sendMessage", { roomName: room, message: "after again" });
    await waitFor("'after again' at alice", () => got.some((m) => m.text === "after again"));
  }
  await ms(300); // anything sent twice would have arrived by now
  alice.close();
  bob.close();
  print({ phase: "done", connects, missed, got });
  process.exit(0);
} catch (e) {
  fail(e);
}
