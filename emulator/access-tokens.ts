import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The claims of an app-only Graph access token, as Entra issues them (the subset the emulator uses). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  roles: string[];
  idtyp: 'app';
  oid: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  ver: '1.0';
}

export const TOKEN_LIFETIME_SECONDS = 3599;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs and checks the emulator's access tokens: real JWTs (so clients can read the `roles` claim)
 * signed with HS256 and a key kept in the data dir, so tokens survive an emulator restart.
 */
export function createAccessTokens(signingKey: Buffer) {
  const sign = (data: string) => createHmac('sha256', signingKey).update(data).digest();
  return {
    issue(args: {
      tenantId: string;
      clientId: string;
      audience: string;
      roles: string[];
      nowSeconds?: number;
    }): string {
      const now = args.nowSeconds ?? Math.floor(Date.now() / 1000);
      const claims: AccessTokenClaims = {
        aud: args.audience,
        iss: `https://sts.windows.net/${args.tenantId}/`,
        tid: args.tenantId,
        appid: args.clientId,
        roles: args.roles,
        idtyp: 'app',
        oid: args.clientId,
        sub: args.clientId,
        iat: now,
        nbf: now,
        exp: now + TOKEN_LIFETIME_SECONDS,
        ver: '1.0',
      };
      const body = `${b64({ typ: 'JWT', alg: 'HS256', kid: 'emulator' })}.${b64({ ...claims, uti: randomUUID() })}`;
      return `${body}.${sign(body).toString('base64url')}`;
    },
    /** the claims of a valid, unexpired token; a reason string otherwise */
    verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): AccessTokenClaims | string {
      const parts = token.split('.');
      if (parts.length !== 3) return 'IDX14100: JWT is not well formed.';
      const expected = sign(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2], 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'Invalid signature.';
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessTokenClaims;
      if (claims.exp <= nowSeconds) return 'Lifetime validation failed, the token is expired.';
      return claims;
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
