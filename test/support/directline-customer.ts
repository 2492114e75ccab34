/** A Web Chat customer over Direct Line's REST API, started as the official client would start one. */
export interface DirectLineCustomer {
  conversationId: string;
  userId: string;
  token: string;
  streamUrl: string;
}

/** A logged activity as a test looks at it. */
export interface LoggedActivity {
  type: string;
  from: { id: string; name?: string; role: string };
  text?: string;
  textFormat?: string;
}

/** Generates a token with the Direct Line secret and starts its conversation in `locale`. */
export async function startCustomer(base: string, secret: string, locale: string): Promise<DirectLineCustomer> {
  const generated = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  expect(generated.status).toBe(200);
  const { conversationId, userId, token } = (await generated.json()) as Omit<DirectLineCustomer, 'streamUrl'>;
  const started = await fetch(`${base}/v3/directline/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ locale }),
  });
  expect(started.status).toBe(201);
  const { streamUrl } = (await started.json()) as { streamUrl: string };
  return { conversationId, userId, token, streamUrl };
}

/** Posts a message from the customer; fails the test unless it is accepted. */
export async function customerSays(base: string, customer: DirectLineCustomer, text: string, locale: string): Promise<void> {
  const res = await fetch(`${base}/v3/directline/conversations/${customer.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: customer.userId }, locale }),
  });
  expect(res.status).toBe(200);
}

/** Everything in the customer's conversation log, oldest first (polling from watermark 0). */
export async function customerActivities(base: string, customer: DirectLineCustomer): Promise<LoggedActivity[]> {
  const res = await fetch(`${base}/v3/directline/conversations/${customer.conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${customer.token}` } });
  return ((await res.json()) as { activities: LoggedActivity[] }).activities;
}
