import type { Request, Response } from 'express';

/**
 * The console keeps a workspace key in session storage, so nothing but its own files may run:
 * scripts and styles from this origin only (no inline, no eval), API calls to this origin only,
 * images from here or blob:/data: (a photo fetched with the key; Swagger UI's icons), no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every /console and /docs answer carries (HSTS only where the request came over TLS). */
export function setConsoleSecurityHeaders(req: Request, res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  });
  if (req.secure) res.set('Strict-Transport-Security', 'max-age=31536000');
}
