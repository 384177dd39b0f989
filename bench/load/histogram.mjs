// Latency histogram in microseconds with log buckets (2% wide): mergeable across workers, percentiles within 2%.
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1000; // 1.02^1000 µs ≈ 4e8 µs: everything a bounded run can see

export class Histogram {
  constructor() {
    this.counts = new Array(BUCKETS).fill(0);
    this.count = 0;
    this.maxUs = 0;
    this.sumUs = 0;
  }

  record(us) {
    const v = us < 1 ? 1 : us;
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v) / LOG_GROWTH));
    this.counts[i]++;
    this.count++;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sumUs += other.sumUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
    return this;
  }

  /** Upper edge of the bucket holding quantile q, in milliseconds (never above the exact max). */
  percentileMs(q) {
    if (this.count === 0) return null;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(GROWTH ** (i + 1), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary() {
    const r = (v) => (v === null ? null : Math.round(v * 1000) / 1000);
    return {
      count: this.count,
      p50Ms: r(this.percentileMs(0.5)),
      p90Ms: r(this.percentileMs(0.9)),
      p99Ms: r(this.percentileMs(0.99)),
      maxMs: r(this.count ? this.maxUs / 1000 : null),
      meanMs: r(this.count ? this.sumUs / this.count / 1000 : null),
    };
  }

  toJSON() {
    return { counts: this.counts, count: this.count, maxUs: this.maxUs, sumUs: this.sumUs };
  }

  static from(json) {
    const h = new Histogram();
    Object.assign(h, json);
    return h;
  }
}
