import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../errors/catalogue';

/**
 * Takes one point for `key`, or throws RATE_LIMITED with the wait as Retry-After. A limiter
 * that fails for another reason (its store is down) is an error, not a reason to refuse.
 */
export async function consumeOrReject(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new ApiError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) });
    }
    throw rejection;
  }
}
