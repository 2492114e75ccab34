import type { z } from 'zod';
import { ApiError, type FieldErrors } from '../errors/catalogue';

/** Parses outside data with a zod schema, or throws a 400 ApiError listing each field's problems. */
export function parseOrReject<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.') || '(body)';
    (fields[key] ??= []).push(issue.message);
  }
  throw new ApiError('BAD_REQUEST', fields);
}
