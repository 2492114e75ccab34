import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { BotGateway, OutboundReply } from '../../core/activity';
import type { Locale } from '../../domain/complaint';

/** Channel name carried on activities from the terminal (part of state keys and locks). */
export const TERMINAL_CHANNEL = 'terminal';

/** Where the terminal chat reads and writes, and who is talking. */
export interface TerminalChatOptions {
  gateway: BotGateway;
  input: Readable;
  output: Writable;
  conversationId: string;
  userId: string;
  locale?: Locale;
  /** Print what was read after the prompt: input piped from a file is not shown by the terminal. */
  echoInput?: boolean;
}

/**
 * A chat in the terminal with the same bot, through the same gateway as every other channel.
 * Choices are numbered; typing a number picks that choice, as tapping a button would.
 * Ends at the end of input.
 */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const { gateway, output } = options;
  const base = { channel: TERMINAL_CHANNEL, conversationId: options.conversationId, userId: options.userId, locale: options.locale };
  let choices: string[] = [];
  const show = (replies: OutboundReply[]) => {
    for (const reply of replies) {
      if (reply.type !== 'message') continue;
      output.write(`bot> ${reply.text.replace(/\n/g, '\n     ')}\n`);
      if (reply.choices.length > 0) {
        output.write(`     ${reply.choices.map((choice, i) => `[${i + 1}] ${choice}`).join('  ')}\n`);
        choices = reply.choices;
      }
    }
  };

  show(await gateway.process({ ...base, type: 'conversationStart' }));
  const lines = readline.createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  output.write('you> ');
  for await (const line of lines) {
    if (options.echoInput) output.write(`${line}\n`);
    const picked = /^\s*(\d{1,2})\s*$/.exec(line);
    const index = picked ? Number(picked[1]) - 1 : -1;
    const text = index >= 0 && index < choices.length ? (choices[index] ?? line) : line;
    if (text !== line) output.write(`     (${text})\n`);
    choices = [];
    show(await gateway.process({ ...base, type: 'message', text }));
    output.write('you> ');
  }
  output.write('\n');
}
