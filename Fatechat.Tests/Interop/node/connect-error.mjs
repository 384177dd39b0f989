// A client whose token the middleware refuses sees connect_error with the server's message and data, and is not
// retried; a client with the accepted token connects on the same server.
import { io, run, url, args, next, connected, delay } from "./common.mjs";

const transport = args[0] ?? "polling";

run(async () => {
  const refused = io(url, { transports: [transport], forceNew: true, reconnectionDelay: 100, auth: { token: "bad" } });
  let connectErrors = 0;
  refused.on("connect_error", () => connectErrors++);
  const [error] = await next(refused, "connect_error", 5_000);
  await delay(700); // a retry, which must not happen after a middleware refusal, would come within this window
  const rejected = {
    message: error.message,
    data: error.data ?? null,
    connectErrors,
    active: refused.active,
    connected: refused.connected,
  };
  refused.close();

  const accepted = io(url, { transports: [transport], forceNew: true, reconnection: false, auth: { token: "good" } });
  await connected(accepted);
  const acceptedId = accepted.id;
  accepted.disconnect();
  return { rejected, acceptedId };
});
