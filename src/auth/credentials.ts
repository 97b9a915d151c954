import { AppError } from '../errors/app-error.js';

export type Credential = { kind: 'api_key'; apiKey: string } | { kind: 'bearer'; token: string };

/**
 * Reads Close's two credential forms from an `Authorization` header value:
 * `Basic base64(<api_key>:)` (the key is the user name, the password is empty) and
 * `Bearer <token>`. Returns undefined when there is no header; throws UNAUTHENTICATED when there
 * is one that is not of either form.
 */
export function parseAuthorization(header: string | undefined | null): Credential | undefined {
  if (header === undefined || header === null || header.trim() === '') return undefined;
  const match = /^\s*(\w+)\s+(\S+)\s*$/.exec(header);
  const scheme = match?.[1].toLowerCase();
  if (match && scheme === 'basic') {
    const decoded = Buffer.from(match[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const apiKey = colon === -1 ? decoded : decoded.slice(0, colon);
    if (apiKey !== '') return { kind: 'api_key', apiKey };
  } else if (match && scheme === 'bearer') {
    return { kind: 'bearer', token: match[2] };
  }
  throw new AppError(
    'UNAUTHENTICATED',
    'Malformed Authorization header: use "Basic base64(<api key>:)" or "Bearer <token>".',
  );
}
