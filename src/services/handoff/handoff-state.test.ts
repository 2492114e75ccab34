import {
  applyHandoffEvent,
  botAnswers,
  HANDOFF_EVENTS,
  HANDOFF_STATES,
  HANDOFF_TRANSITIONS,
  InvalidHandoffTransitionError,
  nextHandoffState,
  type HandoffEvent,
  type HandoffState,
} from './handoff-state';

/** The lifecycle written out independently of the table, as the issue states it. */
const ALLOWED: ReadonlyArray<readonly [HandoffState, HandoffEvent, HandoffState]> = [
  ['bot', 'request', 'queued'],
  ['queued', 'claim', 'assigned'],
  ['queued', 'withdraw', 'bot'],
  ['queued', 'leave', 'abandoned'],
  ['queued', 'time_out', 'timed_out'],
  ['assigned', 'transfer', 'queued'],
  ['assigned', 'return_to_bot', 'bot'],
  ['assigned', 'resolve', 'resolved'],
  ['assigned', 'leave', 'abandoned'],
  ['resolved', 'request', 'queued'],
  ['abandoned', 'request', 'queued'],
  ['timed_out', 'request', 'queued'],
];

const GRID = HANDOFF_STATES.flatMap((state) =>
  HANDOFF_EVENTS.map((event) => ({ state, event, to: ALLOWED.find(([from, on]) => from === state && on === event)?.[2] })),
);

describe('handoff transition table', () => {
  it('covers every state', () => {
    expect(Object.keys(HANDOFF_TRANSITIONS).sort()).toEqual([...HANDOFF_STATES].sort());
  });

  it.each(GRID.filter(({ to }) => to !== undefined))('$state --$event--> $to', ({ state, event, to }) => {
    expect(nextHandoffState(state, event)).toBe(to);
    expect(applyHandoffEvent(state, event)).toBe(to);
  });

  it.each(GRID.filter(({ to }) => to === undefined))('$state refuses $event', ({ state, event }) => {
    expect(nextHandoffState(state, event)).toBeUndefined();
    expect(() => applyHandoffEvent(state, event)).toThrow(new InvalidHandoffTransitionError(state, event));
  });

  it('lists exactly the transitions of the lifecycle, no more', () => {
    const inTable = HANDOFF_STATES.flatMap((state) =>
      Object.entries(HANDOFF_TRANSITIONS[state]).map(([event, to]) => `${state} ${event} ${to}`),
    );
    expect(inTable.sort()).toEqual(ALLOWED.map(([from, event, to]) => `${from} ${event} ${to}`).sort());
  });

  it('keeps the bot silent only while an agent owns the conversation', () => {
    expect(HANDOFF_STATES.filter((state) => !botAnswers(state))).toEqual(['assigned']);
  });

  it('lets a second claim of the same conversation fail', () => {
    const claimed = applyHandoffEvent('queued', 'claim');
    expect(() => applyHandoffEvent(claimed, 'claim')).toThrow(/event claim is not allowed in state assigned/);
  });
});
