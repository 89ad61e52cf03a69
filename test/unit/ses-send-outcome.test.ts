import { describe, expect, it } from 'vitest';
import { classifySesError } from '../../functions/adapters/ses/ses-mailer';

const answered = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const network = (name: string, message: string, code?: string) => Object.assign(new Error(message), { name, ...(code ? { code } : {}), $metadata: {} });

describe('how a failed SES send ended', () => {
  it('is transient when SES answered "not now" (throttling, its own failures): nothing was sent, a later retry is safe', () => {
    expect(classifySesError(answered('Throttling', 400))).toBe('transient');
    expect(classifySesError(answered('ServiceUnavailable', 503))).toBe('transient');
    expect(classifySesError(answered('Whatever', 429))).toBe('transient');
  });

  it('is refused when SES answered no for good', () => {
    expect(classifySesError(answered('MessageRejected', 400))).toBe('refused');
    expect(classifySesError(answered('MailFromDomainNotVerifiedException', 400))).toBe('refused');
  });

  it('is transient when the request never left (refused connection, no DNS, connection timeout)', () => {
    expect(classifySesError(network('Error', 'connect ECONNREFUSED', 'ECONNREFUSED'))).toBe('transient');
    expect(classifySesError(network('Error', 'getaddrinfo EAI_AGAIN', 'EAI_AGAIN'))).toBe('transient');
    // The connection timeout's wording in @smithy/node-http-handler 3.x, then 4.x.
    expect(classifySesError(network('TimeoutError', 'Socket timed out without establishing a connection within 3000 ms'))).toBe('transient');
    expect(classifySesError(network('TimeoutError', '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.'))).toBe('transient');
  });

  it('is unknown when the request left and no answer came (request timeout, reset): SES may have sent it', () => {
    expect(classifySesError(network('TimeoutError', 'Connection timed out after 10000 ms'))).toBe('unknown');
    expect(classifySesError(network('TimeoutError', '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 10000 ms requestTimeout.', 'ETIMEDOUT'))).toBe('unknown');
    expect(classifySesError(network('Error', 'socket hang up', 'ECONNRESET'))).toBe('unknown');
    expect(classifySesError(new Error('something else'))).toBe('unknown');
  });
});
