// cold-start: a server started just before (the runner gives this scenario a fresh process) gets the steady fan-out
// load (R rooms × M members at --rate deliveries/s) from its first second of chat traffic, for --duration seconds.
// For each second: deliveries of the messages sent in it, their latency p99, and the server CPU (user and kernel)
// spent in that second, per delivery. A JIT that is still compiling shows as CPU per delivery falling over the
// first seconds; the summary compares the first 10 s with the last 10 s (with fewer than 20 s, each is half the run).
import { nowUs, sleep } from "../clock.mjs";
import { Histogram } from "../histogram.mjs";
import { cpuDelta, round } from "../session.mjs";
import { connectRooms, perWorkerSenders } from "./fanout.mjs";

export async function coldStart(session) {
  const o = session.opts;
  const setup = await connectRooms(session);
  const seconds = Math.max(1, Math.round(o.durationMs / 1000));
  const perWorker = perWorkerSenders(session);
  const totalSenders = perWorker.reduce((a, b) => a + b, 0);
  const messagesPerSec = o.rate / o.members;
  const mark = await session.markStart();
  const startAtUs = nowUs() + 200_000;

  // One CPU reading at the start of every second of sending, read by this process on the shared clock.
  const cpuAt = [];
  const sampler = (async () => {
    for (let k = 0; k <= seconds; k++) {
      const ms = (startAtUs + k * 1e6 - nowUs()) / 1000;
      if (ms > 0) await sleep(ms);
      cpuAt[k] = session.server.cpu();
    }
  })();
  const sends = await session.pool.all(
    "fanout",
    (w) => ({ step: "cs", ratePerSec: (messagesPerSec * perWorker[w]) / totalSenders, durationMs: seconds * 1000, startAtUs, textBytes: o.textBytes, perSecond: true }),
    seconds * 1000 + 30_000,
  );
  await sampler;
  await sleep(Math.min(o.drainMs, 2000)); // the last second's stragglers
  const window = await session.markEnd(mark);

  const part = Math.min(10, Math.floor(seconds / 2)) || 1;
  const series = [];
  const firstHist = new Histogram();
  let firstCpu = null, lastCpu = null, firstDeliveries = 0, lastDeliveries = 0;
  for (let k = 0; k < seconds; k++) {
    const stats = await session.pool.all("stats", { step: `cs.${k}` });
    const hist = stats.reduce((h, s) => h.merge(Histogram.from(s.hist)), new Histogram());
    const cpu = cpuAt[k] && cpuAt[k + 1] ? cpuDelta(cpuAt[k], cpuAt[k + 1]) : null;
    const n = hist.count;
    const per = (sec) => (cpu && n ? round((sec * 1e6) / n, 2) : null);
    series.push({
      second: k + 1,
      deliveries: n,
      userUsPerDelivery: per(cpu?.user),
      kernelUsPerDelivery: per(cpu?.kernel),
      cpuUsPerDelivery: per(cpu?.total),
      serverCores: cpu ? round(cpu.total, 2) : null,
      p99Ms: hist.summary().p99Ms,
    });
    const add = (acc) => (cpu ? { user: (acc?.user ?? 0) + cpu.user, kernel: (acc?.kernel ?? 0) + cpu.kernel } : acc);
    if (k < part) {
      firstHist.merge(hist);
      firstCpu = add(firstCpu);
      firstDeliveries += n;
    }
    if (k >= seconds - part) {
      lastCpu = add(lastCpu);
      lastDeliveries += n;
    }
  }
  const usPer = (cpu, n) =>
    cpu && n
      ? { cpu: round(((cpu.user + cpu.kernel) * 1e6) / n, 2), user: round((cpu.user * 1e6) / n, 2), kernel: round((cpu.kernel * 1e6) / n, 2) }
      : { cpu: null, user: null, kernel: null };
  const first = usPer(firstCpu, firstDeliveries);
  const last = usPer(lastCpu, lastDeliveries);
  const sent = sends.reduce((a, s) => a + s.sent, 0);
  await session.closeClients();
  return {
    setup: { connected: setup.connected, joined: setup.joined, failed: setup.failed, allJoinedMs: round(setup.allJoinedMs, 1) },
    seconds,
    targetDeliveriesPerSec: o.rate,
    messagesSent: sent,
    delivered: series.reduce((a, s) => a + s.deliveries, 0),
    partSeconds: part,
    first: { ...first, p99Ms: firstHist.summary().p99Ms, deliveries: firstDeliveries },
    last: { ...last, deliveries: lastDeliveries },
    // > 1: the first seconds cost more CPU per delivery than the last ones (the target: ≤ 1.15 × warm).
    firstOverLast: first.cpu && last.cpu ? round(first.cpu / last.cpu, 2) : null,
    series,
    loadgen: window.loadgen,
  };
}
