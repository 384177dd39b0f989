// One Manager, two namespaces multiplexed on one Engine.IO connection (/ and /chat, each with its own auth),
// plus an unknown namespace. Reports what each namespace's server side answered and what reached which socket.
import { io, run, url, next, connected, delay, partial } from "./common.mjs";

run(async () => {
  const root = io(url, { forceNew: true, reconnection: false, auth: { who: "root" } });
  const chat = root.io.socket("/chat", { auth: { who: "chat" } });
  const received = { rootHello: 0, chatHello: [] };
  partial.received = received;
  root.on("hello", () => received.rootHello++);
  chat.on("hello", (...data) => received.chatHello.push(data));
  await Promise.all([connected(root), connected(chat)]);
  const clientEngineIds = [root.io.engine.id, chat.io.engine.id];
  const socketIds = [root.id, chat.id];

  const rootAnswer = await root.timeout(5_000).emitWithAck("where");
  const chatAnswer = await chat.timeout(5_000).emitWithAck("where");

  const hello = next(chat, "hello", 5_000);
  chat.emit("hello-everyone");
  await hello;
  await delay(200);

  const unknown = root.io.socket("/nope");
  const [unknownError] = await next(unknown, "connect_error", 5_000);

  // Leaving one namespace must leave the other one, and the shared connection, up.
  chat.disconnect();
  await delay(100);
  const rootAfterChatLeft = await root.timeout(5_000).emitWithAck("where");

  const result = {
    clientEngineIds,
    socketIds,
    rootAnswer,
    chatAnswer,
    rootAfterChatLeft,
    received,
    unknownNamespaceError: unknownError.message,
  };
  root.disconnect();
  return result;
});
