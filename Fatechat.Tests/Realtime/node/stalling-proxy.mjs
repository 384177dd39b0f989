// A TCP proxy between socket.io clients and a Fatechat server that makes acks late or lost, as a slow or broken
// network does, so that socket.io-client's own `retries` + `ackTimeout` resend a packet:
//   hold()      keeps what the server sends (acks, broadcasts) back; what the client sends still goes through;
//   release()   sends the held bytes on, in order: the client sees a late ack;
//   cut()       drops every connection and what was held: the ack is lost and the client reconnects;
//   retarget(u) sends the next connections to another server, as a balancer failing over to another node.
// Held bytes are kept whole, never dropped mid-stream, so a WebSocket frame is never torn.
import { connect, createServer } from "node:net";

export async function stallingProxy(target) {
  let upstream = new URL(target);
  let holding = false;
  const pairs = new Set();

  const server = createServer((client) => {
    const pair = { client, server: connect(Number(upstream.port), upstream.hostname), held: [] };
    pairs.add(pair);
    client.pipe(pair.server);
    pair.server.on("data", (chunk) => (holding ? pair.held.push(chunk) : client.write(chunk)));
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      pair.server.destroy();
    };
    for (const socket of [client, pair.server]) {
      socket.on("error", close);
      socket.on("close", close);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => pairs.size,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const pair of pairs) {
        for (const chunk of pair.held) pair.client.write(chunk);
        pair.held = [];
      }
    },
    cut() {
      holding = false;
      for (const pair of [...pairs]) {
        pair.held = [];
        pair.client.destroy();
        pair.server.destroy();
      }
      pairs.clear();
    },
    retarget(url) {
      upstream = new URL(url);
    },
    close() {
      this.cut();
      server.close();
    },
  };
}
