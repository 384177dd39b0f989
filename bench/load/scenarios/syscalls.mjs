// syscalls: the steady fan-out at --rate; after --lead-in seconds, `strace -c -f` counts the server's system calls
// for --strace-seconds. Figures: calls per delivery, in total and per call name (futex and epoll_wait count the
// thread hand-offs and wake-ups; sendmsg/write the sends), over the deliveries received while strace was attached.
import { nowUs, sleep } from "../clock.mjs";
import { round } from "../session.mjs";
import { traceSyscalls } from "../strace.mjs";
import { connectRooms, perWorkerSenders } from "./fanout.mjs";

const receivedSoFar = async (session) =>
  (await session.pool.all("counts", {})).reduce((a, c) => a + Object.values(c.received).reduce((x, y) => x + y, 0), 0);

export async function syscalls(session) {
  const o = session.opts;
  if (!o.serverPid) throw new Error("syscalls needs --server-pid");
  await connectRooms(session);
  const perWorker = perWorkerSenders(session);
  const totalSenders = perWorker.reduce((a, b) => a + b, 0);
  const durationMs = (o.leadInSeconds + o.straceSeconds + 1) * 1000;
  const startAtUs = nowUs() + 100_000;
  const sending = session.pool.all(
    "fanout",
    (w) => ({ step: "sys", ratePerSec: (o.rate / o.members) * (perWorker[w] / totalSenders), durationMs, startAtUs, textBytes: o.textBytes }),
    durationMs + 30_000,
  );
  await sleep((startAtUs - nowUs()) / 1000 + o.leadInSeconds * 1000);
  const before = await receivedSoFar(session);
  const mark = await session.markStart();
  let trace, window, deliveries;
  try {
    trace = await traceSyscalls(o.serverPid, o.straceSeconds);
  } finally {
    // Whatever strace did, the senders finish on their own schedule before the clients close.
    window = await session.markEnd(mark);
    deliveries = (await receivedSoFar(session)) - before;
    await sending;
    await session.closeClients();
  }
  const per = (n) => (deliveries > 0 ? round(n / deliveries, 3) : null);
  const top = Object.entries(trace.calls).sort((a, b) => b[1] - a[1]);
  return {
    targetDeliveriesPerSec: o.rate,
    straceSeconds: o.straceSeconds,
    deliveriesWhileTraced: deliveries,
    deliveriesPerSecWhileTraced: round(deliveries / (window.wallMs / 1000)),
    serverCoresWhileTraced: window.serverCores,
    syscalls: trace.total,
    syscallsPerDelivery: per(trace.total),
    perDelivery: Object.fromEntries(top.slice(0, 12).map(([name, n]) => [name, per(n)])),
    calls: trace.calls,
    errors: trace.errors,
    loadgen: window.loadgen,
  };
}
