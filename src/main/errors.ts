import type { AppErrorShape, ErrorCode } from '../shared/contract';

/** The one error type the core throws; it crosses the contract as {code, message, detail}. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
  toShape(): AppErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH',
  'ETIMEDOUT', 'EPIPE', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired',
  'CredentialsProviderError', 'InvalidClientTokenId', 'UnrecognizedClientException',
]);

/** Maps anything thrown (SDK, fs, zod-free) to an AppError with a message a user can act on. */
export function toAppError(err: unknown, context?: string): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkLikeError;
  const name = e.Code ?? e.name ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const msg = e.message ?? String(err);
  const where = context ? `${context}: ` : '';
  const detail = status ? `${name} (HTTP ${status}): ${msg}` : `${name}: ${msg}`;

  if (name === 'AbortError' || e.name === 'AbortError') return new AppError('CANCELLED', `${where}cancelled`);
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || name === 'RequestTimeout')
    return new AppError('TIMEOUT', `${where}the endpoint did not answer in time`, detail);
  if ((e.code && NETWORK_CODES.has(e.code)) || NETWORK_CODES.has(name))
    return new AppError('ENDPOINT_UNREACHABLE', `${where}cannot reach the endpoint (${e.code ?? name})`, detail);
  if (CREDENTIAL_CODES.has(name))
    return new AppError('INVALID_CREDENTIALS', `${where}the credentials were rejected (${name})`, detail);
  if (name === 'AccessDenied' || status === 403)
    return new AppError('ACCESS_DENIED', `${where}access denied`, detail);
  if (name === 'NoSuchBucket') return new AppError('NOT_FOUND', `${where}no such bucket`, detail);
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404)
    return new AppError('NOT_FOUND', `${where}not found`, detail);
  if (name === 'PreconditionFailed' || status === 412 || name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists')
    return new AppError('CONFLICT', `${where}${name === 'PreconditionFailed' || status === 412 ? 'precondition failed' : 'bucket already exists'}`, detail);
  if (status !== undefined || e.$fault) return new AppError('S3_ERROR', `${where}${name}: ${msg}`, detail);
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))
    return new AppError('IO_ERROR', `${where}${msg}`, detail);
  return new AppError('INTERNAL', `${where}${msg}`, detail);
}
