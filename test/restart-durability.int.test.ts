import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { say, startChat, startServer, type ServerProcess } from './support/server-process';

/**
 * The embedded default is durable: a server killed with SIGKILL in the middle of an intake
 * comes back with `npm start`'s entry point and the same conversation continues at the same
 * step; a recorded complaint survives another SIGKILL.
 */
describe('embedded store survives kill -9', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-kill9-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('continues the intake at the same step after a SIGKILL, and keeps the complaint', async () => {
    server = await startServer({ DATA_DIR: dataDir });
    const session = await startChat(server.url, { userId: 'kill9-customer' });
    expect(await say(server.url, session, '我要投诉')).toEqual([
      '非常抱歉给您带来了不好的体验，我来帮您登记投诉，之后会有专人跟进。',
      '请您描述一下发生了什么：什么商品或服务、什么时候、经过如何。',
    ]);
    expect(await say(server.url, session, '耳机用了一周左耳就没声音了')).toEqual(['请提供订单号或相关单号；如果没有，请回复“没有”。']);

    await server.kill9();
    server = await startServer({ DATA_DIR: dataDir });

    // The same token still works (the signing key is in the store) and the bot is still
    // waiting for the order number: "没有" answers that question.
    expect(await say(server.url, session, '没有')).toEqual(['您希望我们怎么处理？']);
    expect(await say(server.url, session, '维修')).toEqual(['请留下您的手机号或邮箱，方便处理人员联系您。']);
    const summary = await say(server.url, session, '13812345678');
    expect(summary[0]).toContain('- 问题：耳机用了一周左耳就没声音了');
    const recorded = await say(server.url, session, '确认提交');
    const code = /查询码是 \*\*(HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})\*\*/.exec(recorded[0] ?? '')?.[1];
    expect(code).toBeDefined();

    await server.kill9();
    server = await startServer({ DATA_DIR: dataDir });
    const later = await startChat(server.url, { userId: 'kill9-customer' });
    const status = await say(server.url, later, `查询 ${code}`);
    expect(status[0]).toContain(`查询码 ${code} 的投诉当前状态：**已受理，等待处理**`);
  });
});
