// Access scenarios with the real npm socket.io-client against a running Fatechat.Server:
//   node access.mjs <server-url> tokens <json {name: token}> [x-forwarded-for]
//   node access.mjs <server-url> flood <count>
// Each prints what it observed as one JSON line; SocketAccessTests asserts on it.
import { partial, run, url, args } from "../../Interop/node/common.mjs";
import { connect, isText, rest, uniq, user, waitFor } from "./chat-helpers.mjs";

const scenario = args[0];
const ms = (t) => new Promise((r) => setTimeout(r, t));

const scenarios = {
  /**
   * Each token over both ways a client sends one: the auth payload on a WebSocket-only client, and the
   * Authorization header on polling. A refused one gets "Token Unauthorized" and a server disconnect; an accepted
   * one is served (its getOnlineUsers is answered).
   */
  async tokens() {
    const tokens = JSON.parse(args[1]);
    const forwardedFor = args[2];
    const extraHeaders = forwardedFor ? { "X-Forwarded-For": forwardedFor } : {};
    const result = {};
    for (const [name, token] of Object.entries(tokens)) {
      result[name] = {};
      for (const [door, options] of Object.entries({
        websocketAuth: { transports: ["websocket"], auth: { token }, extraHeaders },
        pollingHeader: { transports: ["polling"], extraHeaders: { ...extraHeaders, Authorization: `Bearer ${token}` } },
      })) {
        const startedAt = Date.now();
        const s = await connect(options);
        const connectedMs = Date.now() - startedAt;
        // Whichever comes first: the server's disconnect, or the answer. A disconnect may also fail the pending ack
        // at once, so a socket counts as refused whenever it received the disconnect.
        const gone = s.connected ? new Promise((resolve) => s.once("disconnect", () => resolve("gone"))) : Promise.resolve("gone");
        const answer = s.timeout(3000).emitWithAck("getOnlineUsers", { roomName: `nowhere-${uniq}` }).then(() => "answered", () => "failed");
        const first = await Promise.race([gone, answer]);
        if (first === "answered") await ms(200); // a disconnect right behind the answer still counts
        const disconnected = s.received.some((e) => e.event === "disconnect");
        const outcome = disconnected ? "refused" : first === "answered" ? "served" : "no answer";
        result[name][door] = {
          outcome,
          connectedMs,
          doneMs: Date.now() - startedAt,
          unauthorized: s.received.some((e) => e.event === "receiveMessage" && e.payload[0] === "Token Unauthorized"),
        };
        s.close();
      }
      partial[name] = result[name];
    }
    return result;
  },

  /**
   * One socket floods its room with acked sends, then asks for the online list; then floods without acks. A second
   * user in the room sends meanwhile. Counts what was accepted, refused, delivered and stored.
   */
  async flood() {
    const count = Number(args[1] ?? 1000);
    const alice = await user("flooder");
    const bob = await user("bystander");
    const { name, id } = await rest("POST", "/api/chat", { name: `flood-${uniq}` }, alice.token);
    const a = await connect({ transports: ["websocket"], auth: { token: alice.token } });
    const b = await connect({ transports: ["websocket"], auth: { token: bob.token } });
    await a.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    await b.timeout(5000).emitWithAck("joinRoom", { roomName: name });

    // Acked flood: every send is answered, accepted or refused.
    const acks = [];
    for (let i = 0; i < count; i++) {
      acks.push(a.timeout(10_000).emitWithAck("sendMessage", { roomName: name, message: `flood ${i}` }));
    }
    const askedAt = Date.now();
    const online = await a.timeout(10_000).emitWithAck("getOnlineUsers", { roomName: name });
    const onlineAfterMs = Date.now() - askedAt;
    const answers = await Promise.all(acks);
    const bobSent = await b.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "bystander speaks" });
    await waitFor(a, isText("bystander speaks"), "the bystander's message at the flooder");

    // Unacked flood after the bucket refilled a little: a few pass, and the refusal is told once by an error event.
    await ms(1200);
    const errorsBefore = a.received.filter((e) => e.event === "error").length;
    for (let i = 0; i < 50; i++) a.emit("sendMessage", { roomName: name, message: `unacked ${i}` });
    const bobLater = await b.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "bystander again" });
    await waitFor(a, isText("bystander again"), "the bystander's second message at the flooder");
    await ms(300);
    const errorEvents = a.received.filter((e) => e.event === "error").slice(errorsBefore).map((e) => e.payload[0]);

    // Refilled: the flooder may send again.
    await ms(1200);
    const afterPause = await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "after the pause" });
    await waitFor(b, isText("after the pause"), "the flooder's message after the pause");

    // Stored asynchronously: read until the last message is there.
    let stored = [];
    for (let i = 0; i < 100; i++) {
      stored = await rest("GET", `/api/chat/${id}/messages?limit=100`, undefined, bob.token);
      if (stored.some((m) => m.message_text === "after the pause")) break;
      await ms(50);
    }

    const fromAlice = (e) => e.event === "receiveMessage" && e.payload[0]?.userMail === alice.email && !e.payload[0]?.isEvent;
    const result = {
      count,
      accepted: answers.filter((r) => r.ok === true).length,
      refused: answers.filter((r) => r.ok === false).length,
      refusalKinds: [...new Set(answers.filter((r) => r.ok === false).map((r) => JSON.stringify(r)))].map((r) => JSON.parse(r)),
      online, onlineAfterMs, bobSent, bobLater, errorEvents, afterPause,
      atBobFromAlice: b.received.filter(fromAlice).map((e) => e.payload[0].messageText),
      storedFromAlice: stored.filter((m) => m.sender_mail === alice.email && !m.is_event).map((m) => m.message_text),
      aliceConnected: a.connected,
      aliceSocketId: a.id,
    };
    a.close();
    b.close();
    return result;
  },
};

run(() => scenarios[scenario](), 60_000);
