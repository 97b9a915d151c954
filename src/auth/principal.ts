/** Who is calling: one user acting in one organization (Close's keys are scoped the same way). */
export type Principal = Readonly<{
  organizationId: string;
  organizationName: string;
  userId: string;
  userEmail: string;
  /** The api_keys or access_tokens row that authenticated the call. */
  credentialId: string;
  credentialKind: 'api_key' | 'access_token';
}>;
