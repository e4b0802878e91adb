import type { CardTemplate } from './card';
import type { ProfileValues } from './recipient';
import { PROFILE_COLUMNS } from './recipient';
import { canonicalJson, sha256Hex } from './canonical-json';

/** Recipient values a card shows: each template field that has a value; custom fields under `custom`. */
export type CardRecipientFields = Partial<Record<keyof ProfileValues, string>> & {
  custom?: Record<string, string>;
};

/** Reference to the stored photo (`recipient_photos`); the bytes are read by whoever renders a vCard. */
export interface CardPhotoRef {
  contentHash: string;
  contentType: string;
}

/**
 * The `cards.content` JSON (also in `card_versions` and in card events' `data.content`). The API's vCard renderer
 * reads exactly this shape; see docs/sync.md.
 */
export interface CardContent {
  recipient: CardRecipientFields;
  company: Record<string, string>;
  photo: CardPhotoRef | null;
}

export interface CardSource {
  values: ProfileValues;
  customFields: Record<string, string | null>;
}

const PROFILE_SET = new Set<string>(PROFILE_COLUMNS);

/** Renders a recipient's card for a group template (pure); the hash decides whether a new version is due. */
export function renderCard(
  recipient: CardSource,
  template: CardTemplate,
  photo: CardPhotoRef | null,
): { content: CardContent; contentHash: string } {
  const fields: CardRecipientFields = {};
  const custom: Record<string, string> = {};
  let showPhoto = false;
  for (const field of template.fields) {
    if (field === 'photo') showPhoto = true;
    else if (PROFILE_SET.has(field)) {
      const value = recipient.values[field as keyof ProfileValues];
      if (value !== null && value !== '') fields[field as keyof ProfileValues] = value;
    } else if (field.startsWith('custom.')) {
      const key = field.slice('custom.'.length);
      const value = recipient.customFields[key];
      if (value !== null && value !== undefined && value !== '') custom[key] = value;
    }
  }
  if (Object.keys(custom).length) fields.custom = custom;
  const content: CardContent = {
    recipient: fields,
    company: { ...template.company },
    photo: showPhoto && photo ? { contentHash: photo.contentHash, contentType: photo.contentType } : null,
  };
  return { content, contentHash: sha256Hex(canonicalJson(content)) };
}
