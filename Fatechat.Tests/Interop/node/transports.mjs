// Connects with the transports named by the mode and reports where the client ended up and what the server saw.
//   default:   polling first, then the upgrade to WebSocket, with an Authorization header via extraHeaders
//   websocket: WebSocket only, with an auth payload {token}
import { io, run, url, args, until, connected, partial } from "./common.mjs";

const mode = args[0] ?? "default";
const options = mode === "websocket"
  ? { transports: ["websocket"], auth: { token: "t-123" } }
  : { extraHeaders: { Authorization: "Bearer x" } };

run(async () => {
  const socket = io(url, { ...options, forceNew: true, reconnection: false });
  let upgrades = 0;
  let initialTransport;
  // The Engine.IO handshake's transport; the upgrade may finish before or after the namespace connect.
  socket.io.on("open", () => {
    initialTransport = partial.initialTransport = socket.io.engine.transport.name;
    socket.io.engine.on("upgrade", () => upgrades++);
  });
  await connected(socket);
  const engine = socket.io.engine;
  if (mode === "default") {
    await until(() => upgrades > 0, "the upgrade to websocket", 5_000);
  }
  const server = await socket.timeout(5_000).emitWithAck("whoami");
  const result = { initialTransport, finalTransport: engine.transport.name, upgrades, engineId: engine.id, server };
  socket.disconnect();
  return result;
});
