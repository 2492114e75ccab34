/**
 * Who has a conversation, as one table (STYLE.md: state machines are tables).
 *
 * - `bot`: the bot answers (the start, and after an agent returns the conversation);
 * - `queued`: waiting for an agent; the bot keeps the customer company and tells them their place;
 * - `assigned`: an agent owns it; the bot is silent and relays messages both ways;
 * - `resolved`: the agent closed it with an outcome;
 * - `abandoned`: the customer left while waiting, or while an agent had it and the agent went away too
 *   (a customer who leaves an agent who is still there stays `assigned`, noted in the record, for
 *   the agent to close with an outcome);
 * - `timed_out`: the wait went over the configured limit; the bot offers a call-back or a ticket.
 *
 * After `resolved`, `abandoned` or `timed_out` the bot answers again, and the customer may ask
 * for a person anew.
 */
export const HANDOFF_STATES = ['bot', 'queued', 'assigned', 'resolved', 'abandoned', 'timed_out'] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/**
 * - `request`: escalation or an explicit request puts the conversation in the queue;
 * - `claim`: an agent takes it (two agents claiming at once: the store lets exactly one win);
 * - `transfer`: the agent hands it to another agent or skill; it goes back to the queue, keeping its place.
 *   The desk does the same when the agent went away (closed the console) and did not come back
 *   within the grace period; the conversation is then served first after urgent cases;
 * - `return_to_bot`: the agent gives it back to the bot;
 * - `resolve`: the agent closes it with an outcome;
 * - `withdraw`: the customer stops waiting and takes the offered call-back or ticket instead;
 * - `leave`: the customer went away (closed the chat, hung up, stopped answering);
 * - `time_out`: nobody claimed it within the wait limit.
 */
export const HANDOFF_EVENTS = ['request', 'claim', 'transfer', 'return_to_bot', 'resolve', 'withdraw', 'leave', 'time_out'] as const;
export type HandoffEvent = (typeof HANDOFF_EVENTS)[number];

/** From each state, the events it accepts and where each leads. Anything missing is refused. */
export const HANDOFF_TRANSITIONS: Readonly<Record<HandoffState, Readonly<Partial<Record<HandoffEvent, HandoffState>>>>> = Object.freeze({
  bot: Object.freeze({ request: 'queued' }),
  queued: Object.freeze({ claim: 'assigned', withdraw: 'bot', leave: 'abandoned', time_out: 'timed_out' }),
  assigned: Object.freeze({ transfer: 'queued', return_to_bot: 'bot', resolve: 'resolved', leave: 'abandoned' }),
  resolved: Object.freeze({ request: 'queued' }),
  abandoned: Object.freeze({ request: 'queued' }),
  timed_out: Object.freeze({ request: 'queued' }),
} as const);

/** Where `event` takes a conversation in `state`, or undefined when the table refuses it. */
export function nextHandoffState(state: HandoffState, event: HandoffEvent): HandoffState | undefined {
  return HANDOFF_TRANSITIONS[state][event];
}

/** Whether the bot answers the customer's messages in this state (it is silent only while an agent owns them). */
export function botAnswers(state: HandoffState): boolean {
  return state !== 'assigned';
}

/** Thrown when an event is not allowed in the current state (e.g. claiming a conversation already claimed). */
export class InvalidHandoffTransitionError extends Error {
  constructor(
    readonly from: HandoffState,
    readonly event: HandoffEvent,
  ) {
    super(`applyHandoffEvent: event ${event} is not allowed in state ${from}`);
    this.name = 'InvalidHandoffTransitionError';
  }
}

/** The state after `event`; throws InvalidHandoffTransitionError when the table refuses it. */
export function applyHandoffEvent(state: HandoffState, event: HandoffEvent): HandoffState {
  const next = nextHandoffState(state, event);
  if (next === undefined) throw new InvalidHandoffTransitionError(state, event);
  return next;
}
