// fanout: R rooms × M members, S senders a room, messages at a target delivery rate for D seconds. Every receiver
// records the latency of each receiveMessage from the send time embedded in its text. `steady` runs one rate
// (and yields server CPU per delivery); `ramp` climbs until p99 ≥ 100 ms to find the highest sustained rate.
import { nowUs, sleep } from "../clock.mjs";
import { Histogram } from "../histogram.mjs";
import { cpuPer, round } from "../session.mjs";

const P99_LIMIT_MS = 100;

export async function connectRooms(session) {
  const o = session.opts;
  const setup = await session.connectClients({
    clients: o.rooms * o.members,
    rooms: o.rooms,
    sendersPerRoom: o.senders,
    transports: o.transports,
  });
  if (setup.joined < setup.connected || setup.failed > 0) {
    session.log(`setup: ${setup.joined} joined, ${setup.failed} failed ${JSON.stringify(setup.errors)}`);
  }
  await sleep(1000); // let the join broadcasts (onlineUsers, join events) finish before measuring
  return setup;
}

/** One open-loop step at `deliveriesPerSec` for `durationMs`, then a bounded wait for stragglers. */
export async function runStep(session, step, deliveriesPerSec, durationMs) {
  const o = session.opts;
  const stepId = String(step);
  const membersPerRoom = o.members;
  const messagesPerSec = deliveriesPerSec / membersPerRoom;
  const workerSenders = perWorkerSenders(session);
  const totalSenders = workerSenders.reduce((a, b) => a + b, 0);
  const before = await session.pool.all("counts", {});
  const disconnectsBefore = before.reduce((a, c) => a + c.disconnects, 0);
  const mark = await session.markStart();
  const startAtUs = nowUs() + 100_000;
  const sends = await session.pool.all(
    "fanout",
    (w) => ({ step: stepId, ratePerSec: (messagesPerSec * workerSenders[w]) / totalSenders, durationMs, startAtUs, textBytes: o.textBytes }),
    durationMs + 30_000,
  );
  let expected = 0, sent = 0;
  for (const s of sends) {
    sent += s.sent;
    for (const [room, n] of Object.entries(s.sentByRoom)) expected += n * (session.roomMembers.get(room) ?? 0);
  }
  const received = await drain(session, stepId, expected, o.drainMs);
  const window = await session.markEnd(mark);
  const stats = await session.pool.all("stats", { step: stepId });
  const hist = stats.reduce((h, s) => h.merge(Histogram.from(s.hist)), new Histogram());
  const lastReceiveUs = Math.max(...stats.map((s) => s.lastReceiveUs ?? 0));
  const activeSeconds = Math.max(durationMs / 1000, (lastReceiveUs - startAtUs) / 1e6);
  const lost = Math.max(0, expected - received);
  const disconnects = stats.reduce((a, s) => a + s.disconnects, 0) - disconnectsBefore;
  const latency = hist.summary();
  const achieved = received / activeSeconds;
  const perDelivery = cpuPer(window, received, 1e6);
  const result = {
    targetDeliveriesPerSec: Math.round(deliveriesPerSec),
    deliveriesPerSec: Math.round(achieved),
    messagesSent: sent,
    expectedDeliveries: expected,
    received,
    lost,
    disconnects,
    latency,
    serverCores: window.serverCores,
    serverCpuUsPerDelivery: perDelivery.total,
    serverUserUsPerDelivery: perDelivery.user,
    serverKernelUsPerDelivery: perDelivery.kernel,
    maxSendTickLagMs: round(Math.max(...sends.map((s) => s.maxTickLagMs)), 1),
    loadgen: window.loadgen,
  };
  result.sustained =
    latency.p99Ms !== null && latency.p99Ms < P99_LIMIT_MS && lost <= expected * 0.001 && disconnects === 0 && achieved >= 0.9 * deliveriesPerSec;
  session.log(
    `step ${step}: target ${result.targetDeliveriesPerSec}/s got ${result.deliveriesPerSec}/s p50 ${latency.p50Ms} p99 ${latency.p99Ms} ms lost ${lost} server ${window.serverCores} cores loadgen ${window.loadgen.cores} -> ${result.sustained ? "ok" : "FAIL"}`,
  );
  return result;
}

export function perWorkerSenders(session) {
  const o = session.opts;
  const counts = session.pool.workers.map(() => 0);
  const clients = o.rooms * o.members;
  for (let i = 0; i < clients; i++) if (Math.floor(i / o.rooms) < o.senders) counts[i % counts.length]++;
  return counts;
}

/** Waits until every expected delivery arrived, nothing arrived for a second, or `maxMs` passed. */
async function drain(session, stepId, expected, maxMs) {
  const deadline = Date.now() + maxMs;
  let last = -1, lastChange = Date.now();
  while (true) {
    const counts = await session.pool.all("counts", {});
    const received = counts.reduce((a, c) => a + (c.received[stepId] ?? 0), 0);
    if (received >= expected || Date.now() > deadline) return received;
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 1000) {
      return received;
    }
    await sleep(100);
  }
}

export async function steady(session) {
  const o = session.opts;
  const setup = await connectRooms(session);
  // As the independent harness: a short lead-in at the same rate before the measured window.
  if (o.leadInSeconds > 0) await runStep(session, "steady-lead-in", o.rate, o.leadInSeconds * 1000);
  const step = await runStep(session, "steady", o.rate, o.durationMs);
  await session.closeClients();
  return { setup: brief(setup), ...step };
}

/** Multiplies the rate by `rampFactor` while steps pass, then bisects between the last pass and the first fail. */
export async function ramp(session) {
  const o = session.opts;
  const deadline = Date.now() + o.rampBudgetMs;
  let setup = await connectRooms(session);
  const steps = [];
  let pass = null, fail = null, rate = o.rampStart, n = 0;
  const tryRate = async (r) => {
    const result = await runStep(session, `ramp${n++}`, r, o.durationMs);
    steps.push(result);
    if (result.sustained) {
      if (!pass || r > pass.targetDeliveriesPerSec) pass = result;
    } else {
      if (!fail || r < fail.targetDeliveriesPerSec) fail = result;
      // An overloaded server may have dropped clients or still be draining: start the next step afresh.
      await session.closeClients();
      await sleep(2000);
      setup = await connectRooms(session);
    }
    return result.sustained;
  };
  while (rate <= o.rampMax && Date.now() < deadline && (await tryRate(rate))) rate *= o.rampFactor;
  for (let i = 0; i < o.rampRefine && pass && fail && Date.now() < deadline; i++) {
    await tryRate((pass.targetDeliveriesPerSec + fail.targetDeliveriesPerSec) / 2);
  }
  await session.closeClients();
  return {
    setup: brief(setup),
    maxSustainedDeliveriesPerSec: pass ? pass.deliveriesPerSec : 0,
    atTarget: pass?.targetDeliveriesPerSec ?? null,
    p99AtMaxMs: pass?.latency.p99Ms ?? null,
    firstFailTarget: fail?.targetDeliveriesPerSec ?? null,
    hitRampMax: !fail && rate > o.rampMax,
    loadgenSaturatedAtMax: pass?.loadgen.saturated ?? null,
    steps: steps.map((s) => ({
      target: s.targetDeliveriesPerSec,
      got: s.deliveriesPerSec,
      p50Ms: s.latency.p50Ms,
      p99Ms: s.latency.p99Ms,
      maxMs: s.latency.maxMs,
      lost: s.lost,
      disconnects: s.disconnects,
      serverCores: s.serverCores,
      loadgenCores: s.loadgen.cores,
      loadgenSaturated: s.loadgen.saturated,
      otherProcessesCores: s.loadgen.otherProcessesCores,
      ok: s.sustained,
    })),
  };
}

function brief(setup) {
  return { connected: setup.connected, joined: setup.joined, failed: setup.failed, allJoinedMs: round(setup.allJoinedMs, 1), errors: setup.errors };
}
