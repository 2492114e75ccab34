/** Rejects a batch naming one key twice: which of the two expectations applies would be unclear. */
export function assertDistinctKeys(method: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new Error(`DocumentStore.${method}: key ${key} appears more than once`);
    seen.add(key);
  }
}

/** A document value as stored JSON; values JSON cannot hold (undefined, functions) are refused. */
export function serialise(key: string, value: unknown): string {
  const json: unknown = JSON.stringify(value);
  if (typeof json !== 'string') {
    throw new Error(`DocumentStore.write: value for key ${key} is not JSON-serialisable`);
  }
  return json;
}
