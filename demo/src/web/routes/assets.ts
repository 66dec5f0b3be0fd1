import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const STYLE = readFileSync(new URL('../../../static/style.css', import.meta.url), 'utf8');

/**
 * Atkinson Hyperlegible, the font of the printed key cards, whose 1, l and I (and 0 and O) cannot be
 * confused: the pages use it too. Latin covers Danish letters.
 */
const require = createRequire(import.meta.url);
const FONTS: Record<string, Buffer> = Object.fromEntries(
  ['400', '700'].map((w) => [
    w,
    readFileSync(
      require.resolve(
        `@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-${w}-normal.woff2`,
      ),
    ),
  ]),
);

/** The style sheet and its fonts, read once at start. */
export function assetRoutes(app: FastifyInstance): void {
  app.get('/style.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLE),
  );
  app.get<{ Params: { weight: string } }>('/fonts/atkinson-:weight.woff2', async (request, reply) => {
    const font = Object.hasOwn(FONTS, request.params.weight) ? FONTS[request.params.weight] : undefined;
    if (font === undefined) return reply.callNotFound();
    return reply.type('font/woff2').header('cache-control', 'max-age=86400').send(font);
  });
}
