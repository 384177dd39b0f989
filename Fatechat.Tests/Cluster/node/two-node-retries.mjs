// Retried sends across two nodes, for Cluster/TwoNodeTests.cs, with the real socket.io-client:
//   node two-node-retries.mjs <urlA> <urlB> <room> <aliceMail> <aliceToken> <bobMail> <bobToken>
// Bob is on node B. Alice reaches node A through a proxy (Realtime/node/stalling-proxy.mjs) with `retries` and
// `ackTimeout`: the proxy holds her ack back until Bob has the message, then cuts the connection and sends her
// reconnect to node B, where the client resends the packet (before rejoining the room). Then the same for a private
// message, from B back to A; then one send made on both nodes at once. Prints one line {"phase":"retried", ...}.
import { fail, print, recordingClient, waitFor as waitForWithin, watchdog } from "./phases.mjs";
import { stallingProxy } from "../../Realtime/node/stalling-proxy.mjs";

const [urlA, urlB, room, aliceMail, aliceToken, bobMail, bobToken] = process.argv.slice(2);
watchdog(120_000);


/** WebSocket only, a manager of its own: the proxy must see each client's connections apart. */
const client = (url, token, options = {}) => recordingClient(url, token, { forceNew: true, transports: ["websocket"], ...options });
const waitFor = (socket, what, match, ms = 20_000) => waitForWithin(socket, what, match, ms);

const roomText = (text) => (e) => e.event === "receiveMessage" && e.payload?.messageText === text;
const privateText = (text) => (e) => e.event === "receivePrivateMessage" && e.payload?.messageText === text;
const uniq = Math.random().toString(36).slice(2, 10);
const ms = (t) => new Promise((r) => setTimeout(r, t));

async function main() {
  const bob = await client(urlB, bobToken);
  await bob.timeout(10_000).emitWithAck("joinRoom", { roomName: room });

  const proxy = await stallingProxy(urlA);
  const alice = await client(proxy.url, aliceToken, { retries: 5, ackTimeout: 2_000, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
  const sent = [];
  alice.onAnyOutgoing((event, payload) => sent.push(payload?.clientMessageId));
  await alice.emitWithAck("joinRoom", { roomName: room });

  // A → B: the ack from node A is lost; the resend reaches node B.
  const roomId = `room-${uniq}`;
  proxy.hold();
  const roomAck = alice.emitWithAck("sendMessage", { roomName: room, message: "retried across nodes", clientMessageId: roomId });
  await waitFor(bob, "the room message on node B", roomText("retried across nodes"));
  proxy.retarget(urlB);
  proxy.cut();
  const roomRetried = await roomAck;

  // B → A, privately.
  const privateId = `private-${uniq}`;
  proxy.hold();
  const privateAck = alice.emitWithAck("sendPrivateMessage", { to: bobMail, message: "psst, across nodes", clientMessageId: privateId });
  await waitFor(bob, "the private message on node B", privateText("psst, across nodes"));
  proxy.retarget(urlA);
  proxy.cut();
  const privateRetried = await privateAck;

  // One send made on both nodes at once (two tabs, one per node).
  const onA = await client(urlA, aliceToken);
  const onB = await client(urlB, aliceToken);
  for (const s of [onA, onB]) await s.timeout(10_000).emitWithAck("joinRoom", { roomName: room });
  const bothId = `both-${uniq}`;
  const bothAcks = await Promise.all([onA, onB].map((s) =>
    s.timeout(10_000).emitWithAck("sendMessage", { roomName: room, message: "on both nodes at once", clientMessageId: bothId })));
  await waitFor(bob, "the two-node message", roomText("on both nodes at once"));

  await ms(1_000); // time for a second copy to arrive, were there one
  print({
    phase: "retried",
    roomRetried, privateRetried, bothAcks,
    sends: { room: sent.filter((id) => id === roomId).length, private: sent.filter((id) => id === privateId).length },
    atBob: {
      room: bob.received.filter(roomText("retried across nodes")).length,
      private: bob.received.filter(privateText("psst, across nodes")).length,
      both: bob.received.filter(roomText("on both nodes at once")).length,
    },
    roomIdAtBob: bob.received.find(roomText("retried across nodes")).payload.id,
    privateIdAtBob: bob.received.find(privateText("psst, across nodes")).payload.id,
  });
  proxy.close();
  for (const s of [alice, bob, onA, onB]) s.close();
  process.exit(0);
}

main().catch(fail);
