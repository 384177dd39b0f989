// Acknowledgements in both directions, by mode:
//   client-to-server:   the client's emits with a callback are answered by the server's ack
//   server-to-client:   the server's EmitWithAckAsync("question") is answered by this client's callback
//   server-unanswered:  the client never calls back for "silent"; the server reports its own timeout
//   client-leaves:      the client disconnects instead of answering "leaving"
import { io, run, url, args, next, connected, partial } from "./common.mjs";

const mode = args[0];

run(async () => {
  const socket = io(url, { forceNew: true, reconnection: false });
  const questions = [];
  socket.on("question", (data, callback) => {
    questions.push(data);
    callback({ doubled: data.n * 2 }, "second", Buffer.from([0xca, 0xfe]));
  });
  socket.on("silent", (data) => questions.push(data));
  const left = new Promise((resolve) => socket.on("leaving", (data) => {
    questions.push(data);
    socket.disconnect();
    resolve();
  }));
  await connected(socket);

  if (mode === "client-leaves") {
    socket.emit("ready", mode);
    await left;
    return { questions };
  }

  if (mode === "client-to-server") {
    const sum = await socket.timeout(5_000).emitWithAck("add", { a: 2, b: 3 });
    const many = await new Promise((resolve, reject) => {
      socket.timeout(5_000).emit("many", "x", 7, (error, ...answer) => (error ? reject(error) : resolve(answer)));
    });
    socket.disconnect();
    return { sum, many };
  }

  partial.questions = questions;
  const verdict = next(socket, "verdict", 10_000);
  socket.emit("ready", mode);
  const [result] = await verdict;
  socket.disconnect();
  return { questions, verdict: result };
});
