import express, { Router, type Request, type RequestHandler } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../../errors/catalogue';
import { consumeOrReject } from '../../http/rate-limit';
import { parseOrReject } from '../../http/validate';
import { AttachmentRejectedError, MAX_ATTACHMENT_BYTES, type AttachmentService } from '../../services/attachments/attachment-service';
import type { DirectLineService } from './directline-service';
import { readUpload } from './multipart';
import { conversationIdSchema, pageTokenBodySchema, postedActivitySchema, startBodySchema, watermarkSchema } from './schema';

/** Largest activity a client may post (Direct Line's own limit is in this range). */
const ACTIVITY_LIMIT = '64kb';

/** The address clients reach us at: PUBLIC_URL when configured, else the request's own. */
export function baseUrlOf(req: Request, publicUrl: string | undefined): string {
  return publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Web Chat runs on other sites: allow cross-origin calls that carry a bearer token (no cookies). */
const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Max-Age', '600');
  if (req.method === 'OPTIONS') res.sendStatus(204);
  else next();
};

const jsonOnly: RequestHandler = (req, _res, next) => {
  if (req.path.endsWith('/upload')) {
    next();
    return;
  }
  const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
  if (req.method === 'POST' && hasBody && !req.is('application/json')) next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
  else next();
};

/** The Direct Line 3.0 REST API, mounted at /v3/directline. */
export function directLineRouter(deps: { service: DirectLineService; attachments: AttachmentService; publicUrl: string | undefined }): Router {
  const { service } = deps;
  const router = Router();
  router.use(cors);
  router.use(jsonOnly);
  router.use(express.json({ limit: ACTIVITY_LIMIT }));

  router.post('/tokens/generate', (req, res) => {
    const caller = service.authorize(req.get('authorization'));
    const body = parseOrReject(startBodySchema, req.body ?? {});
    res.json(service.generateToken(caller, body.user?.id));
  });

  router.post('/tokens/refresh', (req, res) => {
    res.json(service.refreshToken(service.authorize(req.get('authorization'))));
  });

  router.post('/conversations', async (req, res) => {
    const caller = service.authorize(req.get('authorization'));
    const body = parseOrReject(startBodySchema, req.body ?? {});
    const { created, info } = await service.startConversation(caller, {
      userId: body.user?.id,
      locale: body.locale,
      baseUrl: baseUrlOf(req, deps.publicUrl),
    });
    res.status(created ? 201 : 200).json(info);
  });

  router.get('/conversations/:id', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    service.authorize(req.get('authorization'), conversationId);
    const watermark = parseOrReject(watermarkSchema, req.query.watermark);
    res.json(await service.reconnect(conversationId, watermark, baseUrlOf(req, deps.publicUrl)));
  });

  router.post('/conversations/:id/activities', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    const caller = service.authorize(req.get('authorization'), conversationId);
    const activity = parseOrReject(postedActivitySchema, req.body);
    res.json(await service.postActivity(caller, conversationId, activity));
  });

  router.post('/conversations/:id/upload', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    const caller = service.authorize(req.get('authorization'), conversationId);
    if (!req.is('multipart/form-data')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    const upload = await readUpload(req, { maxFileBytes: MAX_ATTACHMENT_BYTES, maxFiles: 5 });
    const activity = parseOrReject(postedActivitySchema, parseJson(upload.activityJson ?? '{"type":"message"}'));
    const refs = [];
    for (const file of upload.files) {
      try {
        refs.push(await deps.attachments.save(file));
      } catch (error) {
        if (error instanceof AttachmentRejectedError) {
          throw new ApiError(error.reason === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'UNSUPPORTED_FILE_TYPE', undefined, { cause: error });
        }
        throw error;
      }
    }
    res.json(await service.postActivity(caller, conversationId, activity, { files: refs, baseUrl: baseUrlOf(req, deps.publicUrl) }));
  });

  router.get('/attachments/:id', async (req, res) => {
    const file = await deps.attachments.load(req.params.id);
    if (!file) throw new ApiError('NOT_FOUND');
    res.set('Content-Type', file.contentType);
    res.set('Cache-Control', 'private, max-age=86400');
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Content-Security-Policy', "default-src 'none'");
    res.send(file.bytes);
  });

  router.get('/conversations/:id/activities', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    service.authorize(req.get('authorization'), conversationId);
    const watermark = parseOrReject(watermarkSchema, req.query.watermark);
    res.json(await service.activitiesSince(conversationId, watermark));
  });

  return router;
}

/**
 * POST /api/directline/token: the demo page's way to a token without holding the secret.
 * Rate-limited per client address, since anyone may call it.
 */
export function pageTokenRouter(deps: { service: DirectLineService; limiter: RateLimiterAbstract }): Router {
  const router = Router();
  router.use(express.json({ limit: '2kb' }));
  router.post('/token', async (req, res) => {
    await consumeOrReject(deps.limiter, req.ip ?? 'unknown');
    parseOrReject(pageTokenBodySchema, req.body ?? {});
    res.json(deps.service.generateToken({ kind: 'secret' }, undefined));
  });
  return router;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('MALFORMED_JSON', undefined, { cause: error });
  }
}
