// Shared plumbing for the interop scripts: argv, a watchdog, promise timeouts and the one JSON result line that
// the NUnit side reads (the last stdout line starting with "{").
import { io, Manager } from "socket.io-client";

export { io, Manager };

/** The server URL (first argument) and the scenario arguments after it. */
export const url = process.argv[2];
export const args = process.argv.slice(3);

/** Partial results, printed even when the watchdog fires, so a failing test shows how far the script got. */
export const partial = {};

/** Prints the result line and exits; exit code 0 means the script ran to its end. */
export function finish(result, code = 0) {
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(code);
}

/** Ends the script after ms with an error result, whatever is still pending (sockets, timers). */
export function watchdog(ms) {
  setTimeout(() => finish({ error: `script watchdog fired after ${ms} ms`, partial }, 3), ms).unref();
}

/** Runs main with a watchdog and prints its result, or the error it threw. */
export function run(main, watchdogMs = 20_000) {
  if (!url) {
    finish({ error: "usage: node script.mjs <server-url> [args]" }, 2);
  }
  watchdog(watchdogMs);
  main().then(
    (result) => finish(result),
    (error) => finish({ error: String(error?.stack ?? error), partial }, 1),
  );
}

/** Resolves with the arguments of the next `event` on emitter, or rejects after ms. */
export function next(emitter, event, ms = 5_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`no '${event}' within ${ms} ms`));
    }, ms);
    const handler = (...received) => {
      clearTimeout(timer);
      resolve(received);
    };
    emitter.once(event, handler);
  });
}

/** Waits for a socket's connect, or rejects with the connect_error message. */
export function connected(socket, ms = 5_000) {
  if (socket.connected) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connect within ${ms} ms`)), ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${error.message}`));
    });
  });
}

/** Polls condition every 10 ms until it holds, or rejects after ms with the description. */
export async function until(condition, description, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
