import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

/** RFC 6238 defaults every authenticator app accepts: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
/** Steps of clock drift accepted either way. */
const WINDOW = 1;
/** How long an enrolment offer (its signed token) stays valid. */
const ENROLMENT_MS = 10 * 60_000;
export const RECOVERY_CODE_COUNT = 10;

function totpOf(secretBase32: string, email: string): TOTP {
  return new TOTP({
    issuer: "loginguard",
    label: email,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/**
 * The time step a 6-digit code matches (within one step of drift), or null. The caller refuses
 * a step it already accepted, so a code works once.
 */
export function matchTotp(
  secretBase32: string,
  email: string,
  code: string,
  now = Date.now(),
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secretBase32, email).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** What a staff member sees to enrol: the otpauth URI, its QR code and the signed offer. */
export interface EnrolmentOffer {
  secret: string;
  otpauthUri: string;
  /** `data:image/png;base64,...` of the URI. */
  qrDataUrl: string;
  /** Signed: staff id, secret, expiry. Sent back with the first code. */
  enrolmentToken: string;
}

function sign(key: string, text: string): string {
  return createHmac("sha256", key).update(`totp-enrolment:${text}`).digest("base64url");
}

/** A new secret (160 bits, RFC 4226's recommendation) offered to `staffId`, valid ten minutes. */
export async function enrolmentOffer(
  key: string,
  staffId: string,
  email: string,
  now = Date.now(),
): Promise<EnrolmentOffer> {
  const secret = new Secret({ size: 20 }).base32;
  const otpauthUri = totpOf(secret, email).toString();
  const body = Buffer.from(JSON.stringify({ staffId, secret, exp: now + ENROLMENT_MS })).toString(
    "base64url",
  );
  return {
    secret,
    otpauthUri,
    qrDataUrl: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: "M", margin: 2, scale: 5 }),
    enrolmentToken: `${body}.${sign(key, body)}`,
  };
}

/** The secret of a valid, unexpired enrolment token made for `staffId`, or undefined. */
export function openEnrolmentToken(
  key: string,
  token: string,
  staffId: string,
  now = Date.now(),
): string | undefined {
  const [body, mac] = token.split(".");
  if (!body || !mac) return undefined;
  const want = Buffer.from(sign(key, body));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  try {
    const offer = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
      staffId: string;
      secret: string;
      exp: number;
    };
    return offer.staffId === staffId && offer.exp > now ? offer.secret : undefined;
  } catch {
    return undefined;
  }
}

/** Ten single-use recovery codes (`xxxxx-xxxxx`, 50 bits each) and their SHA-256 hashes to store. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const hex = randomBytes(7).toString("hex").slice(0, 10);
    return `${hex.slice(0, 5)}-${hex.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(code.trim().toLowerCase()).digest("hex");
}
