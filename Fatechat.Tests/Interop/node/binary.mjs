// Binary both ways over the given transport: the client uploads Buffers (top level and nested), gets them back as
// an event and as an ack, then asks for the server's own binary event. Every Buffer received is reported as hex.
//   node binary.mjs <url> <transport> [client: v2|v3|v4]
// socket.io-client 2.x (Engine.IO v3) frames binary its own way: a type byte in WebSocket frames, binary or
// base64 polling payloads.
import { createRequire } from "node:module";
import { io as currentIo, run, url, args, next, connected } from "./common.mjs";

const require = createRequire(import.meta.url);
const transport = args[0] ?? "websocket";
const clients = { v2: () => require("socket.io-client-v2"), v3: () => require("socket.io-client-v3"), v4: () => currentIo };
const io = clients[args[1] ?? "v4"]();

/** Turns Buffers into {hex} and keeps everything else, so the NUnit side can compare exact bytes. */
function describe(value) {
  if (Buffer.isBuffer(value)) {
    return { hex: value.toString("hex") };
  }
  if (value instanceof ArrayBuffer) {
    return { arrayBufferHex: Buffer.from(value).toString("hex") };
  }
  if (Array.isArray(value)) {
    return value.map(describe);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
  }
  return value;
}

const big = Buffer.alloc(65_536);
for (let i = 0; i < big.length; i++) {
  big[i] = (i * 7) % 256;
}

run(async () => {
  const socket = io(url, { transports: [transport], forceNew: true, reconnection: false });
  await connected(socket);
  const top = Buffer.from([0, 1, 2, 3, 254, 255]);
  const nested = { name: "nested", file: Buffer.from("h\u00e9llo\u0000binary", "utf8"), parts: [Buffer.from([1]), Buffer.from([2, 2])], big };

  const echoed = next(socket, "upload-back", 10_000);
  const [ackTop, ackNested] = await new Promise((resolve, reject) => {
    // No timeout(): socket.io-client 2.x lacks it.
    const timer = setTimeout(() => reject(new Error("no ack for upload within 10 s")), 10_000);
    socket.emit("upload", top, nested, (...answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
  const [echoTop, echoNested] = await echoed;

  const fromServer = next(socket, "from-server", 10_000);
  socket.emit("send-binary");
  const [serverTop, serverNested] = await fromServer;

  const result = {
    transport: socket.io.engine.transport.name,
    echo: describe([echoTop, { ...echoNested, big: undefined }]),
    echoBigMatches: Buffer.isBuffer(echoNested.big) && echoNested.big.equals(big),
    ack: describe([ackTop, { ...ackNested, big: undefined }]),
    ackBigMatches: Buffer.isBuffer(ackNested.big) && ackNested.big.equals(big),
    fromServer: describe([serverTop, serverNested]),
  };
  socket.disconnect();
  return result;
});
