/**
 * A token bucket, as legacy CMPs rate-limit each credential: it holds up to `ratePerSecond`
 * tokens (the burst) and refills at `ratePerSecond`; a call takes one token or is refused.
 */
export class TokenBucket {
  readonly #rate: number;
  #tokens: number;
  #at = performance.now();

  constructor(ratePerSecond: number) {
    this.#rate = Math.max(ratePerSecond, 0.001);
    this.#tokens = this.#rate;
  }

  /** Takes a token: 0 when it had one, otherwise the seconds until it will have one. */
  take(now = performance.now()): number {
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) / this.#rate;
  }
}
