import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createAccessToken } from '../src/auth/credential-store.js';
import { parseAuthorization } from '../src/auth/credentials.js';
import { AppError } from '../src/errors/app-error.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { basicAuthorization, createTestOrganization, type TestOrganization } from './helpers/fixtures.js';

describe('parseAuthorization', () => {
  it('reads Basic with the API key as user name and an empty password, like Close', () => {
    expect(parseAuthorization(`Basic ${Buffer.from('api_abc.def:').toString('base64')}`)).toEqual({ kind: 'api_key', apiKey: 'api_abc.def' });
  });
  it('accepts Basic without the colon and any scheme case', () => {
    expect(parseAuthorization(`basic ${Buffer.from('key1').toString('base64')}`)).toEqual({ kind: 'api_key', apiKey: 'key1' });
  });
  it('reads Bearer tokens', () => {
    expect(parseAuthorization('Bearer tok_123')).toEqual({ kind: 'bearer', token: 'tok_123' });
  });
  it('returns undefined without a header', () => {
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('')).toBeUndefined();
  });
  it.each(['Token abc', 'Basic', `Basic ${Buffer.from(':secret').toString('base64')}`, 'Bearer a b'])('rejects %j as UNAUTHENTICATED', (header) => {
    expect(() => parseAuthorization(header)).toThrowError(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('authenticate', () => {
  let db: TestDatabase;
  let org: TestOrganization;
  let other: TestOrganization;
  beforeAll(async () => {
    db = await createTestDatabase();
    org = await createTestOrganization(db.knex, 'Acme');
    other = await createTestOrganization(db.knex, 'Globex');
  });
  afterAll(async () => db?.drop());

  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: AppError) => error.code);

  it('resolves an API key to its user and organization only', async () => {
    const principal = await authenticate(db.knex, org.authorization);
    expect(principal).toMatchObject({ organizationId: org.organizationId, organizationName: 'Acme', userId: org.userId, credentialKind: 'api_key' });
    expect((await authenticate(db.knex, other.authorization)).organizationId).toBe(other.organizationId);
  });

  it('refuses unknown and revoked keys, and a missing header', async () => {
    expect(await rejection(authenticate(db.knex, basicAuthorization(`${org.apiKey}x`)))).toBe('UNAUTHENTICATED');
    expect(await rejection(authenticate(db.knex, undefined))).toBe('UNAUTHENTICATED');
    const revoked = await createTestOrganization(db.knex);
    await db.knex('api_keys').where({ user_id: revoked.userId }).update({ revoked_at: db.knex.fn.now() });
    expect(await rejection(authenticate(db.knex, revoked.authorization))).toBe('UNAUTHENTICATED');
  });

  it('stores keys hashed, never in plain text', async () => {
    const rows = await db.knex('api_keys').where({ user_id: org.userId }).select('key_hash', 'key_prefix');
    expect(rows).toHaveLength(1);
    expect(Buffer.isBuffer(rows[0].key_hash)).toBe(true);
    expect(rows[0].key_hash.toString('utf8')).not.toContain(org.apiKey.split('.')[1]);
    expect(org.apiKey.startsWith(`${rows[0].key_prefix}.`)).toBe(true);
  });

  it('accepts live bearer tokens and refuses expired ones', async () => {
    const live = await createAccessToken(db.knex, { organizationId: org.organizationId, userId: org.userId, expiresInSeconds: 60 });
    expect(await authenticate(db.knex, `Bearer ${live.token}`)).toMatchObject({ userId: org.userId, credentialKind: 'access_token' });
    const expired = await createAccessToken(db.knex, { organizationId: org.organizationId, userId: org.userId, expiresInSeconds: 60 });
    await db.knex('access_tokens').where({ id: expired.id }).update({ expires_at: new Date(Date.now() - 1000) });
    expect(await rejection(authenticate(db.knex, `Bearer ${expired.token}`))).toBe('UNAUTHENTICATED');
  });
});
