// CLOCK_MONOTONIC in microseconds: the same clock in every process on the machine, so a send time written by one
// worker can be subtracted from a receive time read by another.
export function nowUs() {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
