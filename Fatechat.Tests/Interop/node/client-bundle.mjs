// Fetches the client bundle files the server serves and compares them with the pinned socket.io-client package's
// dist files; then loads the served ESM bundle as a browser would and connects with it (WebSocket from `ws`).
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import WebSocket from "ws";
import { run, url, connected } from "./common.mjs";

const files = [
  "socket.io.js", "socket.io.js.map", "socket.io.min.js", "socket.io.min.js.map",
  "socket.io.esm.min.js", "socket.io.esm.min.js.map",
];

const require = createRequire(import.meta.url);
let packageDir = dirname(require.resolve("socket.io-client"));
while (!packageDir.endsWith("socket.io-client")) {
  packageDir = dirname(packageDir);
}
const packageVersion = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")).version;
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

run(async () => {
  const served = [];
  for (const file of files) {
    const response = await fetch(`${url}/socket.io/${file}`, { signal: AbortSignal.timeout(5_000) });
    const body = Buffer.from(await response.arrayBuffer());
    const etag = response.headers.get("etag");
    const revalidated = etag
      ? (await fetch(`${url}/socket.io/${file}`, { headers: { "If-None-Match": etag }, signal: AbortSignal.timeout(5_000) })).status
      : null;
    served.push({
      file,
      status: response.status,
      contentType: response.headers.get("content-type"),
      length: body.length,
      matchesPackage: sha256(body) === sha256(await readFile(join(packageDir, "dist", file))),
      revalidated,
      body: file === "socket.io.esm.min.js" ? body : undefined,
    });
  }

  // The browser build picks up globalThis.WebSocket when it loads.
  globalThis.WebSocket = WebSocket;
  const esm = served.find((s) => s.file === "socket.io.esm.min.js");
  const bundle = await import(`data:text/javascript;base64,${esm.body.toString("base64")}`);
  const socket = bundle.io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  await connected(socket);
  const answer = await socket.timeout(5_000).emitWithAck("whoami");
  socket.disconnect();

  return { packageVersion, served: served.map(({ body, ...rest }) => rest), servedBundleAnswer: answer };
});
