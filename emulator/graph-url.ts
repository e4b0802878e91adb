/** Splits "/users/x?$select=id" (relative to /v1.0) into the pieces a handler context needs. */
export function parseGraphUrl(
  baseUrl: string,
  url: string,
): { rawPath: string; segments: string[]; query: URLSearchParams } {
  const absolute = /^https?:\/\//.test(url)
    ? new URL(url)
    : new URL(`${baseUrl}/v1.0/${url.replace(/^\//, '')}`);
  const rawPath = absolute.pathname;
  const segments = rawPath
    .replace(/^\/v1\.0\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(safeDecode);
  return { rawPath, segments, query: absolute.searchParams };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape simply matches nothing
  }
}
