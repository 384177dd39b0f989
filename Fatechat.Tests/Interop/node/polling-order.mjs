// A polling-only client sends `count` numbered events without waiting; the server echoes each one and then pushes
// `count` numbered events of its own. Reports both sequences in arrival order.
import { io, run, url, args, connected, until, partial } from "./common.mjs";

const count = Number(args[0] ?? 200);

run(async () => {
  const socket = io(url, { transports: ["polling"], forceNew: true, reconnection: false });
  const echoes = [];
  const pushes = [];
  partial.echoes = echoes;
  partial.pushes = pushes;
  socket.on("seq-back", (n) => echoes.push(n));
  socket.on("push", (n) => pushes.push(n));
  await connected(socket);
  for (let i = 0; i < count; i++) {
    socket.emit("seq", i);
  }
  await until(() => echoes.length >= count, `${count} echoes`, 10_000);
  socket.emit("push-please", count);
  await until(() => pushes.length >= count, `${count} pushes`, 10_000);
  const result = { transport: socket.io.engine.transport.name, echoes, pushes };
  socket.disconnect();
  return result;
});
