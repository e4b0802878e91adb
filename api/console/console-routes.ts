import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { HttpProblem } from '../http/problem';
import { setConsoleSecurityHeaders } from './security-headers';

/** Hashed file names never change content, so browsers may keep them; the HTML is revalidated. */
const ASSET_MAX_AGE = '365d';

/**
 * Serves the built console (`npm run build:console` → dist/console) at /console/ and the API
 * reference at /docs; both load without a key (the console signs in with one).
 */
export function consoleRoutes(dir: string, beforeEach: (req: Request) => void = () => {}): Router {
  // strict: `/console` redirects and `/console/` is the page (a lax router would match both to one).
  const router = express.Router({ strict: true });
  const page = (file: string) => (req: Request, res: Response) => {
    beforeEach(req);
    setConsoleSecurityHeaders(req, res);
    const full = path.join(dir, file);
    if (!existsSync(full)) {
      throw new HttpProblem(
        503,
        'the console is not built: run `npm run build:console` (npm start does it when missing)',
      );
    }
    res.set('Cache-Control', 'no-cache').sendFile(full);
  };
  router.get('/console', (req, res) => {
    beforeEach(req);
    setConsoleSecurityHeaders(req, res);
    res.redirect(301, '/console/');
  });
  router.get('/console/', page('index.html'));
  router.get('/docs', page('docs.html'));
  router.use('/console/assets', (req, res, next) => {
    beforeEach(req);
    setConsoleSecurityHeaders(req, res);
    next();
  });
  router.use(
    '/console/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: ASSET_MAX_AGE,
      redirect: false,
    }),
  );
  return router;
}
