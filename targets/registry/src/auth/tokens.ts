/**
 * Access tokens: short-lived JWTs signed ES256 with jose. Verification pins the algorithm (a token
 * claiming `none` or HS256 is rejected before any key is used) and checks `iss`, `aud`, `exp` and
 * `nbf`; the role is read from the token only after its signature holds.
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";

export type Role = "staff" | "viewer";

/** The caller as established by a verified token. */
export interface Principal {
  username: string;
  role: Role;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  /** Token lifetime in seconds. */
  ttlSeconds: number;
}

export const DEFAULT_TOKEN_SETTINGS: TokenSettings = {
  issuer: "strain-registry",
  audience: "strain-registry-api",
  ttlSeconds: 900,
};

const ALG = "ES256";

/** Signs and verifies the registry's access tokens. */
export interface TokenService {
  sign(principal: Principal): Promise<{ token: string; expiresIn: number }>;
  /** The principal, or undefined for any invalid token (bad signature, alg, iss, aud, exp, nbf, role). */
  verify(token: string): Promise<Principal | undefined>;
  readonly settings: TokenSettings;
}

/** A fresh P-256 private key as a JWK (what replicas share through their configuration). */
export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  return exportJWK(privateKey);
}

/** Build the token service from the private key (JWK with `d`). */
export async function createTokenService(privateJwk: JWK, settings: TokenSettings): Promise<TokenService> {
  const { d: _d, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALG);
  const publicKey = await importJWK(publicJwk, ALG);
  return {
    settings,
    async sign(principal) {
      const token = await new SignJWT({ role: principal.role })
        .setProtectedHeader({ alg: ALG, typ: "JWT" })
        .setSubject(principal.username)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setNotBefore("0s")
        .setExpirationTime(`${settings.ttlSeconds}s`)
        .sign(privateKey);
      return { token, expiresIn: settings.ttlSeconds };
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: [ALG],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ["exp", "nbf", "sub"],
        }));
      } catch {
        return undefined;
      }
      const role = payload.role;
      if ((role !== "staff" && role !== "viewer") || typeof payload.sub !== "string") return undefined;
      return { username: payload.sub, role };
    },
  };
}
