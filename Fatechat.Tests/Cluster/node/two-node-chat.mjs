// Two-node scenario for Cluster/TwoNodeTests.cs, with the real socket.io-client:
//   node two-node-chat.mjs <urlA> <urlB> <room> <aliceMail> <aliceToken> <bobMail> <bobToken>
// Alice is on node A (polling, then upgrade), Bob on node B (WebSocket only). Prints one JSON line per phase:
//   {"phase":"chatted", ...}  both joined, exchanged room messages and a private message across the nodes;
//   then waits for a line on stdin (the test kills node B meanwhile) and
//   {"phase":"done", ...}     how long Bob stayed in A's online list, and whether A still serves Alice.
import { createInterface } from "node:readline";
import { fail, print, recordingClient as client, waitFor, watchdog } from "./phases.mjs";

const [urlA, urlB, room, aliceMail, aliceToken, bobMail, bobToken] = process.argv.slice(2);
watchdog(150_000);


function emitWithAck(socket, event, payload, ms = 10_000) {
  return socket.timeout(ms).emitWithAck(event, payload);
}

/** Asks for the room's online list and returns the answer that follows the request. */
async function onlineList(socket) {
  const before = socket.received.length;
  socket.emit("getOnlineUsers", { roomName: room });
  const answer = await waitFor(socket, "onlineUsers answer",
    (e) => socket.received.indexOf(e) >= before && e.event === "onlineUsers" && e.payload?.roomName === room);
  return [...answer.payload.users].sort();
}

const isMessage = (id) => (e) => e.event === "receiveMessage" && e.payload?.id === id;
const both = [aliceMail, bobMail].sort();
const listsBoth = (e) => e.event === "onlineUsers" && e.payload?.roomName === room
  && JSON.stringify([...e.payload.users].sort()) === JSON.stringify(both);

async function main() {
  const alice = await client(urlA, aliceToken, {});
  const bob = await client(urlB, bobToken, { transports: ["websocket"] });

  const aliceJoin = await emitWithAck(alice, "joinRoom", { roomName: room });
  const bobJoin = await emitWithAck(bob, "joinRoom", { roomName: room });
  // Bob's join reaches node A through Kafka (the presence change) and Redis (the list itself).
  await waitFor(alice, "an onlineUsers push listing both", listsBoth);
  await waitFor(bob, "an onlineUsers push listing both", listsBoth);
  const onlineOnA = await onlineList(alice);
  const onlineOnB = await onlineList(bob);

  const fromA = await emitWithAck(alice, "sendMessage", { roomName: room, message: "hello from node A" });
  const fromB = await emitWithAck(bob, "sendMessage", { roomName: room, message: "hello from node B" });
  const bobGotA = await waitFor(bob, "Alice's message on node B", isMessage(fromA.id));
  const aliceGotB = await waitFor(alice, "Bob's message on node A", isMessage(fromB.id));
  await waitFor(alice, "Alice's own message", isMessage(fromA.id));
  await waitFor(bob, "Bob's own message", isMessage(fromB.id));

  const direct = await emitWithAck(bob, "sendPrivateMessage", { to: aliceMail, message: "psst, from node B" });
  const aliceGotDirect = await waitFor(alice, "Bob's private message on node A",
    (e) => e.event === "receivePrivateMessage" && e.payload?.id === direct.id);
  const bobGotDirect = await waitFor(bob, "Bob's copy of his private message",
    (e) => e.event === "receivePrivateMessage" && e.payload?.id === direct.id);

  print({
    phase: "chatted",
    aliceJoin, bobJoin, onlineOnA, onlineOnB, fromA, fromB, direct,
    bobGotA: bobGotA.payload, aliceGotB: aliceGotB.payload,
    aliceGotDirect: aliceGotDirect.payload, bobGotDirect: bobGotDirect.payload,
    aliceTransport: alice.io.engine.transport.name, bobTransport: bob.io.engine.transport.name,
  });

  // The test kills node B with SIGKILL, then writes a line.
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once("line", resolve));
  const killedAt = Date.now();

  let onlineAfterKill = await onlineList(alice);
  while (onlineAfterKill.includes(bobMail) && Date.now() - killedAt < 40_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    onlineAfterKill = await onlineList(alice);
  }
  const ghostGoneAfterMs = onlineAfterKill.includes(bobMail) ? null : Date.now() - killedAt;

  const afterKill = await emitWithAck(alice, "sendMessage", { roomName: room, message: "node A still serves" });
  const aliceGotAfterKill = await waitFor(alice, "Alice's message after the kill", isMessage(afterKill.id));
  print({
    phase: "done",
    ghostGoneAfterMs, onlineAfterKill, afterKill, aliceGotAfterKill: aliceGotAfterKill.payload,
    aliceConnected: alice.connected,
  });
  alice.close();
  bob.close();
  process.exit(0);
}

main().catch(fail);
