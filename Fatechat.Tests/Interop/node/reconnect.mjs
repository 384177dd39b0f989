// The server drops this client's connection, by mode:
//   close-engine:     the server closes the Engine.IO connection; the client reconnects by itself
//   disconnect-close: the server calls Disconnect(close: true); as with Node, the client sees
//                     "io server disconnect", does not retry, and reconnects only when told to
// Either way the client emits again once reconnected and reports the server's answers.
import { io, run, url, args, next, connected, delay, partial } from "./common.mjs";

const [mode, transport] = args;

run(async () => {
  const socket = io(url, { transports: [transport], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
  await connected(socket);
  const first = await socket.timeout(5_000).emitWithAck("hello", 1);
  partial.first = first;

  const reconnected = next(socket.io, "reconnect", 8_000);
  const disconnected = next(socket, "disconnect", 5_000);
  socket.emit("drop-me", mode);
  const [reason] = await disconnected;
  partial.reason = reason;

  let activeAfterDrop = socket.active;
  let reconnectedBySelf = false;
  if (mode === "disconnect-close") {
    await delay(700); // an automatic retry, which must not happen here, would come within this window
    reconnectedBySelf = socket.connected;
    activeAfterDrop = socket.active;
    socket.connect();
    await connected(socket);
  } else {
    await reconnected;
    reconnectedBySelf = true;
    await connected(socket);
  }

  const second = await socket.timeout(5_000).emitWithAck("hello", 2);
  const result = { reason, activeAfterDrop, reconnectedBySelf, first, second, transport: socket.io.engine.transport.name };
  socket.disconnect();
  return result;
});
