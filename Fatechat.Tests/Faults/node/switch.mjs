// A TCP switch in front of several Fatechat nodes, as a balancer with health-less failover: each new connection
// goes to the first node in the list that accepts it (a node that stopped listening refuses at once), and is
// then piped byte for byte. Existing connections stay where they are until either side closes them, so a node's
// own close (a shutdown) reaches its clients unchanged, and socket.io-client's own reconnection lands elsewhere.
import { connect, createServer } from "node:net";

export async function tcpSwitch(urls) {
  const targets = urls.map((u) => new URL(u));
  const chosen = []; // which target each accepted connection went to, in order
  const server = createServer((client) => {
    client.pause();
    const attempt = (index) => {
      if (index >= targets.length) return client.destroy();
      const upstream = connect(Number(targets[index].port), targets[index].hostname);
      upstream.once("error", () => attempt(index + 1));
      upstream.once("connect", () => {
        chosen.push({ at: Date.now(), target: urls[index] });
        upstream.removeAllListeners("error");
        const close = () => {
          client.destroy();
          upstream.destroy();
        };
        for (const socket of [client, upstream]) {
          socket.on("error", close);
          socket.on("close", close);
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on("error", () => {});
    attempt(0);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    chosen,
    close: () => server.close(),
  };
}
