// Shared plumbing of the phase scripts (Cluster/node/*.mjs, Realtime/node/recovery.mjs): each prints one JSON line
// per phase ({"phase": ...}), an error line and exit 1 on failure, and stops itself after a watchdog.
import { io } from "socket.io-client";

export const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

export function fail(error) {
  print({ phase: "error", error: String(error?.stack ?? error) });
  process.exit(1);
}

/** Fails the scenario after ms, whatever is still pending. */
export function watchdog(ms) {
  setTimeout(() => fail(`watchdog: the scenario took over ${ms / 1000} s`), ms).unref();
}

/** A connected client that records every event it receives (first argument only). */
export async function recordingClient(url, token, options = {}) {
  const socket = io(url, { auth: { token }, reconnection: false, timeout: 10_000, ...options });
  socket.received = [];
  socket.onAny((event, ...args) => socket.received.push({ event, payload: args[0] }));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (e) => reject(new Error(`connect to ${url}: ${e.message}`)));
  });
  return socket;
}

/** Resolves with the first recorded event (past or future) that matches, or rejects after ms. */
export function waitFor(socket, what, match, ms = 15_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const found = socket.received.find(match);
      if (found) return resolve(found);
      if (Date.now() - started > ms) return reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(socket.received).slice(0, 2000)}`));
      setTimeout(check, 20);
    };
    check();
  });
}
