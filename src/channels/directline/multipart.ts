import type { Request } from 'express';
import busboy from 'busboy';
import { ApiError } from '../../errors/catalogue';

/** One uploaded file, fully read. */
export interface UploadedFile {
  name: string;
  declaredType: string;
  bytes: Buffer;
}

/**
 * Reads a Direct Line upload: an `activity` part (JSON, sent as a file part by the official
 * client) and up to `maxFiles` `file` parts of at most `maxFileBytes` each. Over the limits:
 * 413, with nothing kept.
 */
export function readUpload(req: Request, limits: { maxFileBytes: number; maxFiles: number }): Promise<{ activityJson: string | undefined; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles + 1, fields: 2, parts: limits.maxFiles + 3 } });
    } catch (error) {
      reject(new ApiError('UNSUPPORTED_MEDIA_TYPE', undefined, { cause: error }));
      return;
    }
    let activityJson: string | undefined;
    const files: UploadedFile[] = [];
    let failure: ApiError | undefined;
    const fail = (error: ApiError) => {
      failure ??= error;
    };
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new ApiError('PAYLOAD_TOO_LARGE')));
      stream.on('close', () => {
        const bytes = Buffer.concat(chunks);
        if (field === 'activity') activityJson = bytes.toString('utf8');
        else files.push({ name: info.filename ?? 'file', declaredType: info.mimeType, bytes });
      });
    });
    parser.on('field', (field, value) => {
      if (field === 'activity') activityJson = value;
    });
    parser.on('filesLimit', () => fail(new ApiError('PAYLOAD_TOO_LARGE')));
    parser.on('partsLimit', () => fail(new ApiError('PAYLOAD_TOO_LARGE')));
    parser.on('error', (error) => reject(new ApiError('BAD_REQUEST', { '(body)': ['not a readable multipart body'] }, { cause: error })));
    parser.on('close', () => (failure ? reject(failure) : resolve({ activityJson, files })));
    req.pipe(parser);
  });
}
