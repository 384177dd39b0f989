// Strings that stress UTF-8 and JSON escaping, sent over the given transport and returned by the server as an
// event and as an ack. Reports what came back.
import { io, run, url, args, next, connected } from "./common.mjs";

const transport = args[0] ?? "websocket";
const samples = [
  "plain",
  "h\u00e9llo w\u00f6rld",
  "emoji \u{1F30D}\u{1F680} and a family \u{1F468}\u200D\u{1F469}\u200D\u{1F467}",
  "separators \u2028 \u2029 and record separator \u001e inside",
  "quotes \" backslash \\ slash / tab \t newline \n nul \u0000",
  "<script>alert('x')</script> & ampersand",
  "\u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
];

run(async () => {
  const socket = io(url, { transports: [transport], forceNew: true, reconnection: false });
  await connected(socket);
  const echoed = next(socket, "text-back", 5_000);
  const acked = await socket.timeout(5_000).emitWithAck("text", samples);
  const [event] = await echoed;
  socket.disconnect();
  return { sent: samples, acked, event };
});
