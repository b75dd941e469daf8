import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, toAppError } from './errors';

const sdk = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('toAppError', () => {
  it('maps SDK and network errors to codes a user can act on', () => {
    const cases: [unknown, string][] = [
      [sdk('InvalidAccessKeyId', 403), 'INVALID_CREDENTIALS'],
      [sdk('SignatureDoesNotMatch', 403), 'INVALID_CREDENTIALS'],
      [sdk('CredentialsProviderError'), 'INVALID_CREDENTIALS'],
      [sdk('AccessDenied', 403), 'ACCESS_DENIED'],
      [sdk('NoSuchBucket', 404), 'NOT_FOUND'],
      [sdk('NotFound', 404), 'NOT_FOUND'],
      [sdk('PreconditionFailed', 412), 'CONFLICT'],
      [sdk('SlowDown', 503), 'S3_ERROR'],
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'ENDPOINT_UNREACHABLE'],
      [Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), 'ENDPOINT_UNREACHABLE'],
      [sdk('TimeoutError'), 'TIMEOUT'],
      [sdk('AbortError'), 'CANCELLED'],
      [Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), 'IO_ERROR'],
      ['plain string', 'INTERNAL'],
    ];
    for (const [err, code] of cases) assert.equal(toAppError(err).code, code, String((err as Error).name ?? err));
  });

  it('keeps AppErrors and adds context', () => {
    const e = new AppError('UNAVAILABLE', 'nope');
    assert.equal(toAppError(e), e);
    assert.match(toAppError(sdk('NoSuchBucket', 404), 'doctor').message, /^doctor: /);
    assert.match(toAppError(sdk('SlowDown', 503)).detail ?? '', /HTTP 503/);
  });
});
