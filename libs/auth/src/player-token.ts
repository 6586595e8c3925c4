import { jwtVerify, SignJWT } from "jose";

const encoder = new TextEncoder();

/**
 * Verifies a player token (JWT, HS256, `sub` = accountId, `exp` required) and returns the
 * account id; undefined for anything invalid or expired.
 */
export async function verifyPlayerToken(
  token: string,
  secret: string,
): Promise<{ accountId: string; expiresAt: number } | undefined> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: ["HS256"],
      requiredClaims: ["exp", "sub"],
    });
    if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 128)
      return undefined;
    return { accountId: payload.sub, expiresAt: (payload.exp ?? 0) * 1000 };
  } catch {
    return undefined;
  }
}

/** Mints a player token, as the game's launcher would (development sign-in and tests). */
export async function mintPlayerToken(accountId: string, secret: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(accountId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(encoder.encode(secret));
}
