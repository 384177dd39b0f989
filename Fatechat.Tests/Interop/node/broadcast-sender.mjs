// Joins `room`, then asks the server to broadcast "news" with socket.to(room) (the sender left out) and
// "announce" with io.to(room) (everyone in it). Reports the server's recipient counts and what reached itself.
import { io, run, url, args, connected, delay } from "./common.mjs";

const room = args[0];

run(async () => {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  const own = { news: 0, announce: 0 };
  socket.on("news", () => own.news++);
  socket.on("announce", () => own.announce++);
  await connected(socket);
  await socket.timeout(5_000).emitWithAck("join", room);
  const newsRecipients = await socket.timeout(5_000).emitWithAck("shout", { room, text: "from the sender" });
  const announceRecipients = await socket.timeout(5_000).emitWithAck("announce", room);
  await delay(500);
  socket.disconnect();
  return { newsRecipients, announceRecipients, own };
}, 30_000);
