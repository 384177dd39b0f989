// Chat scenarios with the real npm socket.io-client against a running Fatechat.Server:
//   node chat-scenarios.mjs <server-url> <scenario>
// Each scenario registers its own users and rooms over REST, drives sockets, and prints what it observed as one
// JSON line; ChatSocketEventsTests asserts on it.
import { io, next, partial, run, url, args } from "../../Interop/node/common.mjs";
import { stallingProxy } from "./stalling-proxy.mjs";
import { connect, isText, rest, uniq, user, waitFor } from "./chat-helpers.mjs";

const scenario = args[0];

async function room(token, name = `room-${uniq}-${Math.random().toString(36).slice(2, 6)}`) {
  return rest("POST", "/api/chat", { name }, token);
}

const asAlice = (token) => ({ transports: ["polling", "websocket"], extraHeaders: { Authorization: token } });
const asBob = (token) => ({ transports: ["websocket"], auth: { token } });


const ms = (t) => new Promise((r) => setTimeout(r, t));

const scenarios = {
  /** Two users in one room: welcome, online list, messages with acks, refusals, recent messages. */
  async room() {
    const alice = await user("alice");
    const bob = await user("bob");
    const { name } = await room(alice.token);
    const a = await connect(asAlice(alice.token));
    const b = await connect(asBob(bob.token));

    const aliceJoin = await a.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    await waitFor(a, isText(`${alice.email} joined the room`), "alice's join event");
    b.emit("joinRoom", { roomName: name.toUpperCase() });
    await waitFor(a, isText(`${bob.email} joined the room`), "bob's join event at alice");
    const sent = await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "hello <b>bob</b>" });
    const atBob = await waitFor(b, isText("hello <b>bob</b>"), "the message at bob");
    const atAlice = await waitFor(a, isText("hello <b>bob</b>"), "the message at alice");

    const refusals = {
      empty: await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "   " }),
      tooLong: await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "x".repeat(4001) }),
      notJoined: await a.timeout(5000).emitWithAck("sendMessage", { roomName: `elsewhere-${uniq}`, message: "hi" }),
      unknownRoom: await a.timeout(5000).emitWithAck("joinRoom", { roomName: `missing-${uniq}` }),
    };
    const longest = await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "y".repeat(4000) });
    a.emit("sendMessage", { roomName: `elsewhere-${uniq}`, message: "no ack" });
    const errorEvent = await waitFor(a, (e) => e.event === "error", "an error event");

    await waitFor(b, (e) => e.event === "receiveMessage" && e.payload[0]?.id === longest.id, "the longest message");
    // Stored asynchronously: ask until the newest stored message is the last one sent.
    let recent;
    for (let i = 0; i < 100; i++) {
      a.emit("getRecentMessages", { roomName: name, count: "2" });
      const [rows] = await next(a, "recentMessages");
      recent = rows;
      if (rows[0]?.id === longest.id) break;
      await ms(20);
    }
    b.emit("getOnlineUsers", { roomName: name });
    const [online] = await next(b, "onlineUsers");
    const welcome = a.received.find((e) => e.event === "receiveMessage" && typeof e.payload[0] === "string");
    const bobOnlineAtAlice = await waitFor(a, (e) => e.event === "onlineUsers" && e.payload[0].users.length === 2, "the two-user online list");

    a.close();
    b.close();
    return {
      alice: alice.email, bob: bob.email, room: name, aliceJoin, sent, atBob: atBob.payload[0], atAlice: atAlice.payload[0],
      refusals, longest, errorEvent: errorEvent.payload[0], recent, online, welcome: welcome.payload[0],
      onlineAtAlice: bobOnlineAtAlice.payload[0],
      aliceEvents: a.received.map((e) => e.event), bobMessagesFromAlice: b.received.filter(isText("hello <b>bob</b>")).length,
    };
  },

  /** Alice has two tabs: she stays online until the second closes; only then does the room hear she left. */
  async tabs() {
    const alice = await user("alice");
    const bob = await user("bob");
    const { name } = await room(alice.token);
    const tab1 = await connect(asAlice(alice.token));
    const tab2 = await connect(asBob(alice.token));
    const b = await connect(asBob(bob.token));
    for (const s of [tab1, tab2, b]) await s.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    await waitFor(b, (e) => e.event === "onlineUsers" && e.payload[0].users.length === 2, "both users online");

    tab1.close();
    await ms(300);
    b.emit("getOnlineUsers", { roomName: name });
    const [afterFirstTab] = await next(b, "onlineUsers");
    const leftEarly = b.received.some(isText(`${alice.email} left the room`));

    tab2.close();
    const left = await waitFor(b, isText(`${alice.email} left the room`), "alice's left event");
    const onlineAfter = await waitFor(b, (e) => e.event === "onlineUsers" && e.payload[0].users.length === 1, "bob alone online");
    b.emit("getOnlineUsers", { roomName: name });
    await ms(50);
    b.close();
    return { alice: alice.email, bob: bob.email, afterFirstTab, leftEarly, left: left.payload[0], onlineAfter: onlineAfter.payload[0] };
  },

  /**
   * Alice reloads (closes and reconnects within the grace period): nobody hears her leave or join again and she
   * gets no second welcome; once she is gone for longer than the grace, the room hears she left.
   */
  async reconnect() {
    const alice = await user("alice");
    const bob = await user("bob");
    const { name, id } = await room(alice.token);
    const b = await connect(asBob(bob.token));
    await b.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    const a1 = await connect(asAlice(alice.token));
    await a1.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    await waitFor(b, isText(`${alice.email} joined the room`), "alice's first join");

    a1.close();
    await ms(300);
    const a2 = await connect(asAlice(alice.token));
    await a2.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    const onlineAtReconnect = await waitFor(a2, (e) => e.event === "onlineUsers", "the online list for the reconnected client");
    await ms(Number(args[1]) + 500);
    const sawLeaveDuringReload = b.received.some(isText(`${alice.email} left the room`));
    const joinsHeard = b.received.filter(isText(`${alice.email} joined the room`)).length;
    const welcomesAfterReload = a2.received.filter((e) => e.event === "receiveMessage" && typeof e.payload[0] === "string").length;

    const closedAt = Date.now();
    a2.close();
    await waitFor(b, isText(`${alice.email} left the room`), "alice's leave once she is gone", Number(args[1]) + 5000);
    const leftAfterMs = Date.now() - closedAt;
    const history = await rest("GET", `/api/chat/${id}/messages?limit=100`, undefined, bob.token);
    b.close();
    return {
      alice: alice.email, bob: bob.email, sawLeaveDuringReload, joinsHeard, welcomesAfterReload,
      onlineAtReconnect: onlineAtReconnect.payload[0], leftAfterMs, history: history.map((m) => m.message_text).reverse(),
    };
  },

  /** Alice types: Bob sees typing, then stopTyping; her own tabs hear nothing; nothing is stored. */
  async typing() {
    const alice = await user("alice");
    const bob = await user("bob");
    const { name, id } = await room(alice.token);
    const a = await connect(asAlice(alice.token));
    const a2 = await connect(asBob(alice.token));
    const b = await connect(asBob(bob.token));
    for (const s of [a, a2, b]) await s.timeout(5000).emitWithAck("joinRoom", { roomName: name });

    const ack = await a.timeout(5000).emitWithAck("typing", { roomName: name });
    const typing = await waitFor(b, (e) => e.event === "typing", "typing at bob");
    a.emit("stopTyping", { roomName: name });
    const stopped = await waitFor(b, (e) => e.event === "stopTyping", "stopTyping at bob");
    const refused = await b.timeout(5000).emitWithAck("typing", { roomName: `elsewhere-${uniq}` });
    await ms(300);
    const ownTabsHeard = [a, a2].some((s) => s.received.some((e) => e.event === "typing" || e.event === "stopTyping"));
    const history = await rest("GET", `/api/chat/${id}/messages?limit=100`, undefined, bob.token);
    for (const s of [a, a2, b]) s.close();
    return {
      alice: alice.email, room: name, ack, typing: typing.payload[0], stopped: stopped.payload[0], refused, ownTabsHeard,
      history: history.map((m) => m.message_text),
    };
  },

  /** Messages stay in their room. */
  async rooms() {
    const alice = await user("alice");
    const bob = await user("bob");
    const first = (await room(alice.token)).name;
    const second = (await room(alice.token)).name;
    const a = await connect(asAlice(alice.token));
    const b = await connect(asBob(bob.token));
    await a.timeout(5000).emitWithAck("joinRoom", { roomName: first });
    await b.timeout(5000).emitWithAck("joinRoom", { roomName: second });
    await a.timeout(5000).emitWithAck("sendMessage", { roomName: first, message: "only first" });
    await b.timeout(5000).emitWithAck("sendMessage", { roomName: second, message: "only second" });
    await waitFor(a, isText("only first"), "first-room message");
    await waitFor(b, isText("only second"), "second-room message");
    await ms(200);
    a.close();
    b.close();
    return {
      aliceSawSecond: a.received.some(isText("only second")),
      bobSawFirst: b.received.some(isText("only first")),
      aliceRooms: [...new Set(a.received.filter((e) => e.event === "receiveMessage" && e.payload[0]?.roomName).map((e) => e.payload[0].roomName))],
    };
  },

  /** Private messages reach every tab of the recipient and the sender, and are stored. */
  async private() {
    const alice = await user("alice");
    const bob = await user("bob");
    const a = await connect(asAlice(alice.token));
    const b1 = await connect(asBob(bob.token));
    const b2 = await connect(asAlice(`BEARER ${bob.token}`));
    const ack = await a.timeout(5000).emitWithAck("sendPrivateMessage", { to: bob.email.toUpperCase(), message: "psst" });
    const isPsst = (e) => e.event === "receivePrivateMessage" && e.payload[0]?.messageText === "psst";
    const atB1 = await waitFor(b1, isPsst, "private at bob's first tab");
    const atB2 = await waitFor(b2, isPsst, "private at bob's second tab");
    const atA = await waitFor(a, isPsst, "private echo at alice");
    const unknown = await a.timeout(5000).emitWithAck("sendPrivateMessage", { to: `nobody-${uniq}@example.test`, message: "hi" });
    const empty = await a.timeout(5000).emitWithAck("sendPrivateMessage", { to: bob.email, message: "" });
    a.emit("sendPrivateMessage", { to: `nobody-${uniq}@example.test`, message: "hi" });
    const errorEvent = await waitFor(a, (e) => e.event === "error", "an error event");
    let stored = [];
    for (let i = 0; i < 100 && stored.length === 0; i++) {
      stored = await rest("GET", `/api/private/${encodeURIComponent(alice.email)}/messages`, undefined, bob.token);
      if (stored.length === 0) await ms(20);
    }
    await ms(100);
    for (const s of [a, b1, b2]) s.close();
    return {
      alice: alice.email, bob: bob.email, ack, atB1: atB1.payload[0], atB2: atB2.payload[0], atA: atA.payload[0],
      copiesAtAlice: a.received.filter(isPsst).length, unknown, empty, errorEvent: errorEvent.payload[0], stored,
    };
  },

  /**
   * Sends with a clientMessageId, retried: the same event twice, from two tabs at once, and by socket.io-client's
   * own `retries` + `ackTimeout` when a proxy makes the ack late (held past the timeout) or lost (the connection cut:
   * the client reconnects and resends before it has joined the room again). Each is stored and delivered once and
   * every ack of it carries the first id. Also the same for sendPrivateMessage, and refused ids.
   */
  async clientIds() {
    const alice = await user("alice");
    const bob = await user("bob");
    const { name, id: roomId } = await room(alice.token);
    const a = await connect(asAlice(alice.token));
    const a2 = await connect(asBob(alice.token));
    const b = await connect(asBob(bob.token));
    for (const s of [a, a2, b]) await s.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    const send = (s, message, clientMessageId) => s.timeout(5000).emitWithAck("sendMessage", { roomName: name, message, clientMessageId });
    const cid = (label) => `${label}-${uniq}-${Math.random().toString(36).slice(2, 8)}`;

    const twice = cid("twice");
    const twiceAcks = [await send(a, "sent twice", twice), await send(a, "sent twice", twice)];
    const tabs = cid("tabs");
    const tabAcks = await Promise.all([send(a, "from two tabs", tabs), send(a2, "from two tabs", tabs)]);
    const plainAcks = [await send(a, "no id", undefined), await send(a, "no id", undefined)];
    const longest = await send(a, "longest id", "i".repeat(64));
    const refused = {
      tooLong: await send(a, "x", "i".repeat(65)),
      notString: await send(a, "x", 42),
      empty: await send(a, "x", ""),
      withSpace: await send(a, "x", "has space"),
      reused: await send(a, "another text", twice),
      privateTooLong: await a.timeout(5000).emitWithAck("sendPrivateMessage", { to: bob.email, message: "x", clientMessageId: "p".repeat(65) }),
    };

    // The real client's retries, through a proxy that holds back or loses what the server sends.
    const proxy = await stallingProxy(url);
    const r = io(proxy.url, {
      forceNew: true, transports: ["websocket"], auth: { token: alice.token },
      retries: 3, ackTimeout: 1000, reconnectionDelay: 100, reconnectionDelayMax: 200,
    });
    r.received = [];
    r.onAny((event, ...payload) => r.received.push({ event, payload }));
    const outgoing = [];
    r.onAnyOutgoing((event, payload) => outgoing.push({ event, clientMessageId: payload?.clientMessageId }));
    await next(r, "connect");
    await r.emitWithAck("joinRoom", { roomName: name });
    const connects = { count: 1 };
    r.on("connect", () => connects.count++);

    const late = cid("late");
    proxy.hold();
    const lateAckPromise = r.emitWithAck("sendMessage", { roomName: name, message: "late ack", clientMessageId: late });
    await waitFor(b, isText("late ack"), "the late-ack message at bob");
    await ms(1500); // past ackTimeout: the client has sent the packet again
    proxy.release();
    const lateAck = await lateAckPromise;

    const lost = cid("lost");
    proxy.hold();
    const lostAckPromise = r.emitWithAck("sendMessage", { roomName: name, message: "lost ack", clientMessageId: lost });
    await waitFor(b, isText("lost ack"), "the lost-ack message at bob");
    proxy.cut();
    const lostAck = await lostAckPromise;

    const lostPrivate = cid("lost-private");
    const isPsst = (e) => e.event === "receivePrivateMessage" && e.payload[0]?.messageText === "psst, once";
    const psst = { to: bob.email, message: "psst, once", clientMessageId: lostPrivate };
    proxy.hold();
    const privateRetried = r.emitWithAck("sendPrivateMessage", psst);
    const psstAtBob = await waitFor(b, isPsst, "the private message at bob");
    proxy.cut();
    const privateRetriedAck = await privateRetried;
    const privateAgain = await a.timeout(5000).emitWithAck("sendPrivateMessage", psst);
    const privateTwice = await a.timeout(5000).emitWithAck("sendPrivateMessage", psst);

    // Stored asynchronously: wait until every text is there, then a moment more for any second copy.
    const texts = ["sent twice", "from two tabs", "late ack", "lost ack"];
    let history = [];
    for (let i = 0; i < 200; i++) {
      history = await rest("GET", `/api/chat/${roomId}/messages?limit=100`, undefined, bob.token);
      if (texts.every((t) => history.some((m) => m.message_text === t))) break;
      await ms(25);
    }
    await ms(500);
    history = await rest("GET", `/api/chat/${roomId}/messages?limit=100`, undefined, bob.token);
    const privateStored = await rest("GET", `/api/private/${encodeURIComponent(alice.email)}/messages`, undefined, bob.token);
    const countAt = (s, text) => s.received.filter(isText(text)).length;
    const atBob = Object.fromEntries([...texts, "no id"].map((t) => [t, countAt(b, t)]));
    const stored = Object.fromEntries([...texts, "no id"].map((t) => [t, history.filter((m) => m.message_text === t).length]));
    const storedIds = Object.fromEntries(texts.map((t) => [t, history.filter((m) => m.message_text === t).map((m) => m.id)]));
    const twiceAtBob = b.received.find(isText("sent twice"))?.payload[0];

    proxy.close();
    for (const s of [a, a2, b, r]) s.close();
    return {
      twiceAcks, tabAcks, plainAcks, longest, refused, lateAck, lostAck, twiceAtBob,
      privateAcks: [privateRetriedAck, privateAgain, privateTwice], psstAtBob: psstAtBob.payload[0],
      psstCopiesAtBob: b.received.filter(isPsst).length,
      privateStored: privateStored.filter((m) => m.messageText === "psst, once").map((m) => m.id),
      retriesSent: {
        late: outgoing.filter((o) => o.clientMessageId === late).length,
        lost: outgoing.filter((o) => o.clientMessageId === lost).length,
        private: outgoing.filter((o) => o.clientMessageId === lostPrivate).length,
      },
      reconnects: connects.count - 1,
      lateCopiesAtRetrier: countAt(r, "late ack"),
      atBob, stored, storedIds,
    };
  },

  /** Bad or missing tokens: connect, then "Token Unauthorized", then a server-side disconnect. */
  async unauthorized() {
    const results = {};
    for (const [label, options] of Object.entries({
      garbageHeader: { transports: ["polling", "websocket"], extraHeaders: { Authorization: "garbage" } },
      garbageAuth: { transports: ["websocket"], auth: { token: "garbage" } },
      none: { transports: ["websocket"] },
    })) {
      const s = await connect(options);
      await waitFor(s, (e) => e.event === "disconnect", "the disconnect");
      results[label] = s.received;
      s.close();
    }
    return results;
  },

  /** Payloads the Node server crashed on are answered, and the socket keeps working. */
  async robustness() {
    const alice = await user("alice");
    const { name } = await room(alice.token);
    const a = await connect(asAlice(alice.token));
    a.emit("joinRoom");
    a.emit("sendMessage");
    a.emit("getOnlineUsers");
    a.emit("getRecentMessages", { roomName: name });
    const badType = await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: 42 });
    const notObject = await a.timeout(5000).emitWithAck("joinRoom", "just a string");
    await a.timeout(5000).emitWithAck("joinRoom", { roomName: name });
    const after = await a.timeout(5000).emitWithAck("sendMessage", { roomName: name, message: "still here" });
    // Stored asynchronously: ask until the join event and the message are both there.
    let recentAll = [];
    for (let i = 0; i < 100 && recentAll.length < 2; i++) {
      a.emit("getRecentMessages", { roomName: name, count: 0 });
      [recentAll] = await next(a, "recentMessages");
      if (recentAll.length < 2) await ms(20);
    }
    await ms(100);
    a.close();
    return { badType, notObject, after, connected: !a.received.some((e) => e.event === "disconnect" && e.payload[0] !== "io client disconnect"), errors: a.received.filter((e) => e.event === "error").length, recentAllCount: recentAll.length };
  },
};

run(async () => {
  const body = scenarios[scenario];
  if (!body) throw new Error(`unknown scenario ${scenario}`);
  partial.scenario = scenario;
  return await body();
}, 30_000);
