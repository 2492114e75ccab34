import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import { ApiError } from '../errors/catalogue';
import type { Logger } from '../logging/logger';
import type { Store } from '../storage/store';

/** What the HTTP layer needs. Channel routers are mounted by the composition root. */
export interface HttpAppDependencies {
  store: Store;
  logger: Logger;
  routers: ReadonlyArray<{ path: string; router: Router }>;
}

/**
 * The express application: health and readiness probes, the channel routers, and one error
 * handler that turns every failure into a JSON answer from the error catalogue.
 */
export function createHttpApp(deps: HttpAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ status: 'ready', store: deps.store.kind });
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json(new ApiError('NOT_READY').toJSON());
    }
  });

  for (const { path, router } of deps.routers) app.use(path, router);

  app.use((_req, _res, next) => next(new ApiError('NOT_FOUND')));
  app.use(errorHandler(deps.logger));
  return app;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    else logger.debug({ code: apiError.code, method: req.method, path: req.path }, 'request rejected');
    if (res.headersSent) return;
    if (apiError.retryAfterSeconds !== undefined) res.set('Retry-After', String(apiError.retryAfterSeconds));
    res.status(apiError.status).json(apiError.toJSON());
  };
}

/** body-parser reports its problems with a `type`; map those to catalogue codes. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  if (type === 'entity.parse.failed') return new ApiError('MALFORMED_JSON', undefined, { cause: error });
  if (type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', undefined, { cause: error });
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new ApiError('UNSUPPORTED_MEDIA_TYPE', undefined, { cause: error });
  return new ApiError('INTERNAL', undefined, { cause: error });
}
