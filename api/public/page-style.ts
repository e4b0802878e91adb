import { createHash } from 'node:crypto';

/**
 * The card page's only stylesheet, inline and allowed by its hash in the Content-Security-Policy.
 * Mobile first: one column, widened a little on larger screens. Colours keep at least 4.5:1.
 */
export const PAGE_STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f3f4f6}
body{margin:0;padding:1rem;line-height:1.5}
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.photo{display:block;width:8rem;height:8rem;object-fit:cover;border-radius:50%;margin:0 auto 1rem}
h1{font-size:1.5rem;margin:0;text-align:center}
.role{margin:.25rem 0 1rem;text-align:center;color:#404040}
dl{margin:0}
dl div{padding:.5rem 0;border-top:1px solid #e5e7eb}
dt{font-size:.8rem;font-weight:600;color:#404040;text-transform:uppercase;letter-spacing:.04em}
dd{margin:0;overflow-wrap:anywhere}
a{color:#0b57d0}
.save{display:block;margin:1.25rem 0;padding:.75rem;text-align:center;background:#0b57d0;color:#fff;border-radius:.5rem;font-weight:600;text-decoration:none}
.save:focus-visible,a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
figure{margin:1rem 0 0;text-align:center}
figure img{width:10rem;height:10rem}
figcaption{font-size:.85rem;color:#404040}
@media (min-width:40rem){body{padding:3rem}}
`;

export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE, 'utf8').digest('base64')}'`;
