/**
 * Bot-core throughput: N conversations at once, each running M complete turns through the
 * in-process gateway (no HTTP), on the embedded SQLite store and on Redis.
 * Run: npm run bench:turns [-- --conversations 50 --turns 20]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';

const { values } = parseArgs({
  options: { conversations: { type: 'string', default: '50' }, turns: { type: 'string', default: '12' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' } },
});
const conversations = Number(values.conversations);
const turnsPerConversation = Number(values.turns);

// A realistic loop: a complaint intake to its confirmation, then cancel, repeated.
const script = ['我要投诉', '耳机用了一周左耳就没声音了', '没有', '维修', '13812345678', '取消'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(label: string, env: Record<string, string>) {
  const app = await createApp(loadConfig(env), { logger: createLogger('silent') });
  const latencies: number[] = [];
  // Warm-up: one short conversation, so that loading models and compiling is not measured.
  for (const text of script) await app.gateway.process({ type: 'message', channel: 'bench', conversationId: `${label}-warm`, userId: 'warm', text });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: conversations }, async (_, c) => {
      for (let t = 0; t < turnsPerConversation; t += 1) {
        const text = script[t % script.length] ?? '';
        const before = process.hrtime.bigint();
        await app.gateway.process({ type: 'message', channel: 'bench', conversationId: `${label}-${c}`, userId: `u${c}`, text });
        latencies.push(Number(process.hrtime.bigint() - before) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  await app.close();
  latencies.sort((a, b) => a - b);
  return { label, turns: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerTurn: (cpu.user + cpu.system) / 1000 / latencies.length };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-bench-'));
  const prefix = `hl-bench-${process.pid}:`;
  const rows = [await run('sqlite', { DATA_DIR: dataDir }), await run('redis', { DATA_DIR: dataDir, REDIS_URL: values.redis, REDIS_KEY_PREFIX: prefix })];
  fs.rmSync(dataDir, { recursive: true, force: true });
  const client = createClient({ url: values.redis });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await client.del(keys);
  await client.quit();

  console.log(`\n${conversations} conversations x ${turnsPerConversation} turns, in-process gateway, node ${process.version}, ${os.cpus().length} cores\n`);
  console.log('| store  | turns | turns/s | p50 ms | p99 ms | CPU ms/turn |');
  console.log('|--------|------:|--------:|-------:|-------:|------------:|');
  for (const row of rows) {
    console.log(`| ${row.label.padEnd(6)} | ${String(row.turns).padStart(5)} | ${row.perSecond.toFixed(0).padStart(7)} | ${row.p50.toFixed(1).padStart(6)} | ${row.p99.toFixed(1).padStart(6)} | ${row.cpuMsPerTurn.toFixed(2).padStart(11)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
