import type { Knex } from '../db/knex.js';
import { AppError } from '../errors/app-error.js';
import { parseAuthorization } from './credentials.js';
import type { Principal } from './principal.js';
import { digestSecret, generateAccessToken, generateApiKey } from './secrets.js';

type PrincipalRow = {
  credential_id: string;
  organization_id: string;
  organization_name: string;
  user_id: string;
  user_email: string;
};

const UNAUTHENTICATED_MESSAGE = 'Invalid credentials: unknown, revoked or expired API key or token.';

/**
 * Resolves an `Authorization` header to the calling user and organization.
 * Throws UNAUTHENTICATED when the header is missing, malformed, or names no live credential.
 */
export async function authenticate(knex: Knex, authorization: string | undefined | null): Promise<Principal> {
  const credential = parseAuthorization(authorization);
  if (!credential) {
    throw new AppError('UNAUTHENTICATED', 'Authentication required: send "Authorization: Basic base64(<api key>:)" or "Bearer <token>".');
  }
  const table = credential.kind === 'api_key' ? 'api_keys' : 'access_tokens';
  const digest = digestSecret(credential.kind === 'api_key' ? credential.apiKey : credential.token);
  const query = knex(`${table} as c`)
    .join('users as u', 'u.id', 'c.user_id')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .where(credential.kind === 'api_key' ? 'c.key_hash' : 'c.token_hash', digest)
    .whereNull('c.revoked_at')
    .first<PrincipalRow | undefined>({
      credential_id: 'c.id',
      organization_id: 'o.id',
      organization_name: 'o.name',
      user_id: 'u.id',
      user_email: 'u.email',
    });
  if (credential.kind === 'bearer') query.where((q) => q.whereNull('c.expires_at').orWhere('c.expires_at', '>', knex.fn.now()));
  const row = await query;
  if (!row) throw new AppError('UNAUTHENTICATED', UNAUTHENTICATED_MESSAGE);
  return Object.freeze({
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    userId: row.user_id,
    userEmail: row.user_email,
    credentialId: row.credential_id,
    credentialKind: credential.kind === 'api_key' ? 'api_key' : 'access_token',
  });
}

/** Creates an API key for a user; the plain key is returned once and never stored. */
export async function createApiKey(
  knex: Knex,
  owner: { organizationId: string; userId: string; name?: string },
): Promise<{ id: string; key: string }> {
  const { id, key } = generateApiKey();
  await knex('api_keys').insert({
    id,
    organization_id: owner.organizationId,
    user_id: owner.userId,
    name: owner.name ?? '',
    key_hash: digestSecret(key),
    key_prefix: id,
  });
  return { id, key };
}

/** True when `key` is a live API key of that user (used to keep the printed demo key valid). */
export async function isLiveApiKey(knex: Knex, userId: string, key: string): Promise<boolean> {
  const row = await knex('api_keys').where({ key_hash: digestSecret(key), user_id: userId }).whereNull('revoked_at').first('id');
  return row !== undefined;
}

/** Creates a bearer token (what an OAuth server would hand out); returned once. */
export async function createAccessToken(
  knex: Knex,
  owner: { organizationId: string; userId: string; expiresInSeconds?: number },
): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const { id, token } = generateAccessToken();
  const expiresAt = owner.expiresInSeconds ? new Date(Date.now() + owner.expiresInSeconds * 1000) : null;
  await knex('access_tokens').insert({
    id,
    organization_id: owner.organizationId,
    user_id: owner.userId,
    token_hash: digestSecret(token),
    expires_at: expiresAt,
  });
  return { id, token, expiresAt };
}
