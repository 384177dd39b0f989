// Kafka-outage scenario for Faults/KafkaOutageTests.cs, with the real socket.io-client:
//   node kafka-outage.mjs <urlA> <urlB> <room> <otherRoom> <aliceMail> <aliceToken> <bobMail> <bobToken>
// Alice is on node A, Bob on node B, both in <room>; each sends an acked message (with a clientMessageId) every
// 100 ms all along. Phases, one JSON line each:
//   {"phase":"steady"}     both clients had 10 sends acked; the test now stops the Kafka cluster (SIGSTOP)
//   (stdin "kafka gone")   the script measures what a socket meets while Kafka is gone: the first error ack of a
//                          send, a getOnlineUsers answered while a send waits, a joinRoom of <otherRoom>
//   {"phase":"outage", ...} those figures; the test resumes the cluster
//   (stdin "kafka back")   sending goes on until both clients had sends acked ok again, then a last second
//   {"phase":"done", ...}  every send's outcome and what each client received
import { createInterface } from "node:readline";
import { fail, print, recordingClient as client, waitFor, watchdog } from "../../Cluster/node/phases.mjs";

const [urlA, urlB, room, otherRoom, aliceMail, aliceToken, bobMail, bobToken] = process.argv.slice(2);
watchdog(150_000);

const lines = createInterface({ input: process.stdin });
const nextLine = (expected) => new Promise((resolve) => {
  const onLine = (line) => { if (line.trim() === expected) { lines.off("line", onLine); resolve(); } };
  lines.on("line", onLine);
});

/** Sends every 100 ms and records each send's outcome: {id?, clientMessageId, ok, error?, sentAt, answeredMs}. */
function sender(socket, name) {
  const sends = [];
  let n = 0;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    const clientMessageId = `${name}-${process.pid}-${n++}`;
    const send = { clientMessageId, sentAt: Date.now() };
    sends.push(send);
    try {
      const ack = await socket.timeout(30_000).emitWithAck("sendMessage", { roomName: room, message: clientMessageId, clientMessageId });
      Object.assign(send, { ok: ack?.ok === true, id: ack?.id, error: ack?.error });
    } catch (e) {
      Object.assign(send, { ok: false, error: `no ack: ${e.message}` });
    }
    send.answeredMs = Date.now() - send.sentAt;
  };
  const timer = setInterval(tick, 100);
  return {
    sends,
    stop: () => { stopped = true; clearInterval(timer); },
    okCount: () => sends.filter((s) => s.ok).length,
    settled: () => sends.every((s) => s.answeredMs !== undefined),
  };
}

const until = async (what, condition, ms) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
};

async function main() {
  const alice = await client(urlA, aliceToken, { transports: ["websocket"] });
  const bob = await client(urlB, bobToken, { transports: ["websocket"] });
  for (const socket of [alice, bob]) {
    const joined = await socket.timeout(10_000).emitWithAck("joinRoom", { roomName: room });
    if (joined?.ok !== true) throw new Error(`join: ${JSON.stringify(joined)}`);
  }

  const senders = { alice: sender(alice, "alice"), bob: sender(bob, "bob") };
  await until("10 acked sends each", () => senders.alice.okCount() >= 10 && senders.bob.okCount() >= 10, 20_000);
  print({ phase: "steady" });

  await nextLine("kafka gone");
  const goneAt = Date.now();
  // The first send that was handed over after the stop and answered with an error.
  const firstError = () => senders.alice.sends.find((s) => s.sentAt > goneAt + 200 && s.answeredMs !== undefined && !s.ok);
  const firstErrorAfterMs = await until("an error ack for a send while Kafka is gone", () => firstError() !== undefined, 30_000);
  const errorAck = firstError();

  // Another event of the same socket while its latest send waits for the brokers.
  const waiting = senders.alice.sends.filter((s) => s.answeredMs === undefined).length;
  const askedAt = Date.now();
  const before = alice.received.length;
  alice.emit("getOnlineUsers", { roomName: room });
  await waitFor(alice, "the online list while Kafka is gone",
    (e) => alice.received.indexOf(e) >= before && e.event === "onlineUsers" && e.payload?.roomName === room, 10_000);
  const onlineAnsweredMs = Date.now() - askedAt;

  const joinAt = Date.now();
  const join = await alice.timeout(30_000).emitWithAck("joinRoom", { roomName: otherRoom }).catch((e) => ({ timeout: e.message }));
  const joinAnsweredMs = Date.now() - joinAt;
  print({ phase: "outage", firstErrorAfterMs, errorAck, waitingSends: waiting, onlineAnsweredMs, join, joinAnsweredMs });

  await nextLine("kafka back");
  const backAt = Date.now();
  const okAgain = (s) => s.sends.some((x) => x.sentAt > backAt && x.ok);
  const recoveredAfterMs = await until("ok acks again on both nodes", () => okAgain(senders.alice) && okAgain(senders.bob), 60_000);
  await new Promise((r) => setTimeout(r, 1000));
  senders.alice.stop();
  senders.bob.stop();
  await until("every send answered", () => senders.alice.settled() && senders.bob.settled(), 40_000);

  // Every send acked ok reaches both clients (the room's sockets on both nodes).
  const okIds = [...senders.alice.sends, ...senders.bob.sends].filter((s) => s.ok).map((s) => s.id);
  const receivedIds = (socket) => new Set(socket.received.filter((e) => e.event === "receiveMessage").map((e) => e.payload?.id));
  await until("every acked message at both clients", () => {
    const [a, b] = [receivedIds(alice), receivedIds(bob)];
    return okIds.every((id) => a.has(id) && b.has(id));
  }, 20_000).catch(() => {});
  const [atAlice, atBob] = [receivedIds(alice), receivedIds(bob)];
  print({
    phase: "done",
    recoveredAfterMs,
    sends: [...senders.alice.sends, ...senders.bob.sends],
    missingAtAlice: okIds.filter((id) => !atAlice.has(id)),
    missingAtBob: okIds.filter((id) => !atBob.has(id)),
    receivedAtAlice: [...atAlice].length,
    receivedAtBob: [...atBob].length,
  });
  alice.close();
  bob.close();
  lines.close();
}

main().catch(fail);
