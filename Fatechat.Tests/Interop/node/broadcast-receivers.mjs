// Opens `count` sockets that join `room` and `others` that join another room, then counts, per socket, the
// "news" (socket.to(room) from a sender) and "announce" (io.to(room)) events that reach it.
// Ends once every room socket has both events and nothing more arrived for a moment.
import { io, run, url, args, connected, until, delay, partial } from "./common.mjs";

const [countArg, room, othersArg] = args;
const count = Number(countArg);
const others = Number(othersArg ?? 0);

function open(roomName) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  const tally = { news: [], announce: [] };
  socket.on("news", (payload) => tally.news.push(payload));
  socket.on("announce", (payload) => tally.announce.push(payload));
  return { socket, tally, roomName };
}

run(async () => {
  const members = [...Array(count)].map(() => open(room));
  const outsiders = [...Array(others)].map(() => open("elsewhere"));
  const all = [...members, ...outsiders];
  await Promise.all(all.map((m) => connected(m.socket, 15_000)));
  await Promise.all(all.map((m) => m.socket.timeout(15_000).emitWithAck("join", m.roomName)));
  partial.joined = all.length;

  const complete = () => members.every((m) => m.tally.news.length >= 1 && m.tally.announce.length >= 1);
  await until(complete, "news and announce on every member", 40_000);
  await delay(500); // duplicates, or strays to outsiders, would arrive in this window

  const histogram = (counts) => counts.reduce((h, n) => ((h[n] = (h[n] ?? 0) + 1), h), {});
  const result = {
    members: members.length,
    newsPerMember: histogram(members.map((m) => m.tally.news.length)),
    announcePerMember: histogram(members.map((m) => m.tally.announce.length)),
    outsiderEvents: outsiders.reduce((n, m) => n + m.tally.news.length + m.tally.announce.length, 0),
    newsPayloads: [...new Set(members.flatMap((m) => m.tally.news.map((p) => JSON.stringify(p))))],
    announcePayloads: [...new Set(members.flatMap((m) => m.tally.announce.map((p) => JSON.stringify(p))))],
  };
  all.forEach((m) => m.socket.disconnect());
  return result;
}, 60_000);
