import { WebSocket } from 'ws';

/**
 * The official Direct Line client (`botframework-directlinejs`, what Web Chat uses) running
 * in Node: it expects a browser's XMLHttpRequest and WebSocket, supplied here.
 */
// xhr2 has no types; it is the XMLHttpRequest the client's rxjs ajax calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest ??= require('xhr2');

import { ConnectionStatus, DirectLine, type Activity, type Message } from 'botframework-directlinejs';

export { ConnectionStatus, DirectLine };

/** A Direct Line client that records what it receives and can wait for it. */
export class RecordingClient {
  readonly received: Activity[] = [];
  readonly directLine: DirectLine;
  private waiters: Array<() => void> = [];
  /** The error the activity stream ended with, if any. */
  error: unknown;

  constructor(options: { domain: string; token: string; conversationId?: string; watermark?: string; locale?: string; webSocket?: boolean }) {
    this.directLine = new DirectLine({
      domain: options.domain,
      token: options.token,
      conversationId: options.conversationId,
      watermark: options.watermark,
      webSocket: options.webSocket ?? true,
      conversationStartProperties: options.locale ? { locale: options.locale } : undefined,
      // ws implements the browser WebSocket API the client uses; its typings differ in details.
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      timeout: 5000,
    });
    this.directLine.activity$.subscribe(
      (activity) => {
        this.received.push(activity);
        for (const wake of this.waiters.splice(0)) wake();
      },
      // After end() the client's stream errors with "conversation ended"; that is expected.
      (error: unknown) => {
        this.error = error;
      },
    );
  }

  /** Texts the bot sent, in order. */
  botTexts(): string[] {
    return this.received.filter((a): a is Message => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');
  }

  /** Resolves when `predicate` holds on what was received; rejects after `timeoutMs`. */
  async waitFor(predicate: (received: Activity[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waitFor: timed out; received ${JSON.stringify(this.botTexts())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Posts a message as the user and resolves with the activity id the server assigned. */
  async say(text: string, userId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.directLine.postActivity({ type: 'message', from: { id: userId }, text } as Message).subscribe({ next: resolve, error: reject });
    });
  }

  /** Sends a message and waits until `count` more bot messages have arrived. */
  async ask(text: string, userId: string, count = 1): Promise<string[]> {
    const before = this.botTexts().length;
    await this.say(text, userId);
    await this.waitFor(() => this.botTexts().length >= before + count);
    return this.botTexts().slice(before);
  }

  end(): void {
    this.directLine.end();
  }
}
