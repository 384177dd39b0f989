// What the chat scripts share: REST calls for users of their own, and waiting on what a recording socket received.
import { io, next, url } from "../../Interop/node/common.mjs";

/** Names unique to this run of the script, so that scripts can share one server. */
export const uniq = Math.random().toString(36).slice(2, 10);

/** A JSON request to the server under test; throws with the status and body when it is refused. */
export async function rest(method, path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Registers `<name>-<uniq>@example.test` and returns its e-mail and token. */
export async function user(name) {
  const email = `${name}-${uniq}@example.test`;
  const { token } = await rest("POST", "/api/register", { email, password: "correct horse" });
  return { email, token };
}

/** Waits until a socket that records its events (`socket.received`, `{event, payload}`) got one matching the predicate. */
export async function waitFor(socket, predicate, what, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = socket.received.find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(socket.received).slice(0, 2000)}`);
}

/** A `receiveMessage` event whose message has this text. */
export const isText = (text) => (e) => e.event === "receiveMessage" && e.payload[0]?.messageText === text;

/** A connected client of the server under test that records every event it receives, in order. */
export async function connect(options) {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  socket.received = [];
  socket.onAny((event, ...payload) => socket.received.push({ event, payload }));
  socket.on("disconnect", (reason) => socket.received.push({ event: "disconnect", payload: [reason] }));
  await next(socket, "connect");
  return socket;
}
