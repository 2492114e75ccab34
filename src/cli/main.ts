import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../app';
import { runTerminalChat } from '../channels/terminal/terminal-channel';
import { ConfigError, loadProcessConfig } from '../config';
import { localeSchema } from '../domain/complaint';
import { createLogger } from '../logging/logger';
import { EVAL_USAGE, runEvalCommand } from './eval';
import { KB_USAGE, runKbCommand } from './kb';
import { runUserCommand, USER_USAGE } from './user';

const USAGE = `Usage: hearline <command> [options]

Commands:
  chat      chat with the bot in this terminal (same bot, same store as the server)
            --locale zh-CN|en-US   language to start in (default: DEFAULT_LOCALE)
            --user ID              customer id (default: terminal-user)
            --conversation ID      resume this conversation (default: a new one)
${EVAL_USAGE}${USER_USAGE}${KB_USAGE}  help      show this text
`;

/** `bin/hearline`: the command line. Exit codes: 0 ok, 2 usage or configuration error. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'chat':
      return chat(rest);
    case 'eval':
      return runEvalCommand(rest);
    case 'user':
      return runUserCommand(rest);
    case 'kb':
      return runKbCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`hearline: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function chat(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { locale: { type: 'string' }, user: { type: 'string' }, conversation: { type: 'string' } },
    strict: true,
  });
  const locale = values.locale === undefined ? undefined : localeSchema.safeParse(values.locale);
  if (locale && !locale.success) {
    process.stderr.write(`hearline chat: --locale must be zh-CN or en-US, not "${values.locale}"\n`);
    return 2;
  }
  const config = loadProcessConfig();
  // Logs go to a file so they do not interleave with the conversation.
  fs.mkdirSync(path.join(config.dataDir, 'logs'), { recursive: true });
  const logger = createLogger(config.logLevel, pino.destination({ dest: path.join(config.dataDir, 'logs', 'chat.log'), sync: true }));
  const app = await createApp(config, { logger });
  const conversationId = values.conversation ?? `cli-${randomBytes(6).toString('hex')}`;
  process.stderr.write(`(conversation ${conversationId}; resume it with --conversation ${conversationId})\n`);
  try {
    await runTerminalChat({
      gateway: app.gateway,
      input: process.stdin,
      output: process.stdout,
      conversationId,
      userId: values.user ?? 'terminal-user',
      locale: locale?.data ?? config.defaultLocale,
      echoInput: !process.stdin.isTTY,
    });
  } finally {
    await app.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError || error instanceof TypeError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`hearline: ${message}\n`);
    process.exit(error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1);
  },
);
