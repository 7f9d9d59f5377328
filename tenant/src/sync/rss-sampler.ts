// Peak RSS of one run. process.resourceUsage().maxRSS is the peak of the whole process lifetime, so after a big
// rebuild every later run would report the rebuild's peak; instead RSS is sampled at the start, every
// SAMPLE_MS while the run executes (timers fire between the sync's time slices) and at the end.
const SAMPLE_MS = 20;

export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = SAMPLE_MS) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage.rss(); // cheap: no heap walk, unlike process.memoryUsage()
    if (rss > this.peak) this.peak = rss;
  }

  /** Takes the last sample, stops the timer and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
