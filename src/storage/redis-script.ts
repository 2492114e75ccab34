import { createHash } from 'node:crypto';
import type { RedisConnection } from './redis-store';

/** Keys and arguments of one script call. */
export interface ScriptCall {
  keys?: string[];
  arguments?: string[];
}

/**
 * A Lua script run by its SHA1 digest (EVALSHA), so each call sends the digest instead of the
 * whole script and Redis does not hash the text again. When Redis does not know the script
 * (NOSCRIPT: after a restart, a failover or SCRIPT FLUSH), the call is made once more with the
 * full text (EVAL), which also loads it for the next calls.
 */
export class RedisScript {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisConnection, call: ScriptCall): Promise<unknown> {
    try {
      return await client.evalSha(this.sha1, call);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, call);
    }
  }
}
