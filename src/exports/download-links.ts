import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring download links: like the pre-signed URL Close hands out, they need no API key.
 * The signature covers the export id and the expiry, so neither can be changed.
 */
export type DownloadLinkSigner = {
  /** `{baseUrl}/api/v1/export/{id}/download/?expires=…&signature=…` valid for `ttlSeconds`. */
  sign(exportId: string, ttlSeconds: number, now?: Date): string;
  /** True when the signature is ours and the link has not expired. Never throws. */
  verify(exportId: string, expires: unknown, signature: unknown, now?: Date): boolean;
};

/** `baseUrl` is read at signing time: the HTTP port may only be known once the server listens. */
export function createDownloadLinkSigner(secret: string, baseUrl: () => string): DownloadLinkSigner {
  const mac = (exportId: string, expires: number) =>
    createHmac('sha256', secret).update(`download:${exportId}:${expires}`).digest('base64url');
  return {
    sign(exportId, ttlSeconds, now = new Date()) {
      const expires = Math.floor(now.getTime() / 1000) + Math.max(1, Math.floor(ttlSeconds));
      return `${baseUrl()}/api/v1/export/${encodeURIComponent(exportId)}/download/?expires=${expires}&signature=${mac(exportId, expires)}`;
    },
    verify(exportId, expires, signature, now = new Date()) {
      if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) return false;
      const expiresAt = Number(expires);
      if (expiresAt * 1000 <= now.getTime()) return false;
      const expected = Buffer.from(mac(exportId, expiresAt));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
