import { sql, type RawBuilder } from 'kysely';

/** Bump when renderCard starts reading something new, so every card is rendered again once. */
const RENDER_INPUTS_VERSION = 'card-v1';

/** SQL for a group's template key; select it as `template_key` from `groups`, once per group. */
export const TEMPLATE_KEY: RawBuilder<string> = sql<string>`md5(card_template::text)`;

/**
 * SQL for the key of everything a card's content is rendered from (domain/render-card.ts), over the
 * aliases `r` (recipients), `g` (groups, with `template_key`) and `ph` (recipient_photos, left
 * joined): the recipient's `render_key` (a stored hash of the fields a card can show, kept by
 * Postgres), the template's key and the photo reference. Written to `cards.source_key` with each
 * rendering; a card whose key still matches renders to the same content. No hashing per row, so a
 * whole group's cards are checked in one cheap pass.
 */
export const CARD_SOURCE_KEY: RawBuilder<string> = sql<string>`(${RENDER_INPUTS_VERSION}::text || ':' || r.render_key || ':' || g.template_key || ':' || coalesce(ph.content_hash || '/' || ph.content_type, '-'))`;
