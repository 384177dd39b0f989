// Turns the per-server results into one table: each figure, and Fatechat's ratios to the peer and the ceiling.
const figures = [
  { key: "connect-ws", label: "websocket connects/s", pick: (r) => r.connectsPerSec, better: "higher" },
  { key: "connect-ws", label: "websocket: all joined (ms)", pick: (r) => r.allJoinedMs, better: "lower" },
  { key: "connect-ws", label: "websocket: server CPU ms per connect", pick: (r) => r.serverCpuMsPerConnect, better: "lower" },
  { key: "connect-ws", label: "server KB per idle connection", pick: (r) => r.serverKBPerConnection, better: "lower" },
  { key: "connect-polling", label: "polling→upgrade connects/s", pick: (r) => r.connectsPerSec, better: "higher" },
  { key: "connect-polling", label: "polling: all upgraded (ms)", pick: (r) => r.allUpgradedMs, better: "lower" },
  { key: "connect-polling", label: "polling: server CPU ms per connect", pick: (r) => r.serverCpuMsPerConnect, better: "lower" },
  { key: "rtt", label: "round trip p50 (ms)", pick: (r) => r.p50Ms, better: "lower" },
  { key: "rtt", label: "round trip p99 (ms)", pick: (r) => r.p99Ms, better: "lower" },
  { key: "steady", label: "steady: deliveries/s", pick: (r) => r.deliveriesPerSec, better: "higher" },
  { key: "steady", label: "steady: latency p50 (ms)", pick: (r) => r.latency.p50Ms, better: "lower" },
  { key: "steady", label: "steady: latency p99 (ms)", pick: (r) => r.latency.p99Ms, better: "lower" },
  { key: "steady", label: "steady: latency max (ms)", pick: (r) => r.latency.maxMs, better: "lower" },
  { key: "steady", label: "steady: lost deliveries", pick: (r) => r.lost, better: "lower" },
  { key: "steady", label: "steady: server CPU µs/delivery", pick: (r) => r.serverCpuUsPerDelivery, better: "lower" },
  { key: "ramp", label: "max deliveries/s with p99 < 100 ms", pick: (r) => r.maxSustainedDeliveriesPerSec, better: "higher" },
  { key: "ramp", label: "p99 at that rate (ms)", pick: (r) => r.p99AtMaxMs, better: "lower" },
];

const fmt = (v) => {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Math.round(v * 100) / 100);
};
const ratio = (a, b) => (a === null || a === undefined || !b ? "–" : `${(a / b).toFixed(2)}×`);

/**
 * rounds: one { serverName: { scenarioId: result | {error} } } per run; each figure is the median over the runs
 * that produced it. subjects: the Fatechat columns to compare.
 */
export function renderTable(rounds, serverNames) {
  const subjects = serverNames.filter((s) => s.startsWith("fatechat"));
  const header = ["figure", "better", ...serverNames];
  for (const s of subjects) {
    if (serverNames.includes("peer")) header.push(`${s}/peer`);
    if (serverNames.includes("ceiling")) header.push(`${s}/ceiling`);
  }
  const rows = figures.map((f) => {
    const values = Object.fromEntries(serverNames.map((s) => [s, median(rounds.map((r) => valueOf(r[s]?.[f.key], f.pick)))]));
    const row = [f.label, f.better, ...serverNames.map((s) => fmt(values[s]))];
    for (const s of subjects) {
      if (serverNames.includes("peer")) row.push(ratio(values[s], values.peer));
      if (serverNames.includes("ceiling")) row.push(ratio(values[s], values.ceiling));
    }
    return row;
  });
  const lines = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}

function median(values) {
  const known = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
}

function valueOf(result, pick) {
  if (!result || result.error) return null;
  try {
    return pick(result) ?? null;
  } catch {
    return null;
  }
}

/** Warnings that qualify the figures: a saturated generator, neighbours using the CPU, failed scenarios. */
export function renderNotes(rounds) {
  const notes = [];
  for (const [i, results] of rounds.entries()) {
    const run = rounds.length > 1 ? `run ${i + 1}: ` : "";
    for (const [server, byScenario] of Object.entries(results)) {
      for (const [scenario, r] of Object.entries(byScenario)) {
        const note = (text) => notes.push(`${run}${server} ${text}`);
        if (r.error) note(`${scenario}: FAILED — ${r.error.split("\n")[0]}`);
        const loadgens = [r.loadgen, ...(r.steps ?? []).map((s) => ({ saturated: s.loadgenSaturated }))].filter(Boolean);
        if (loadgens.some((l) => l.saturated)) note(`${scenario}: a load-generator worker was CPU-saturated`);
        const other = Math.max(r.loadgen?.otherProcessesCores ?? 0, ...(r.steps ?? []).map((s) => s.otherProcessesCores ?? 0));
        if (other > 0.25) note(`${scenario}: other processes used ${other} cores meanwhile`);
        if (r.busyCoresBefore >= 0.3) note(`${scenario}: machine was busy (${r.busyCoresBefore} cores) when it started`);
        if (r.failed > 0) note(`${scenario}: ${r.failed} clients failed to connect`);
        if (r.hitRampMax) note(`ramp: reached --ramp-max without failing`);
      }
    }
  }
  return notes;
}
