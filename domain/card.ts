/** What a card is made of: its group's (or the workspace's) template, its status and outbox event types. */

export interface CardTemplate {
  /** Recipient fields the card shows, in order. */
  fields: string[];
  /** Static company fields shown on every card of the group (website, logoUrl, companyName...). */
  company: Record<string, string>;
}

export type CardStatus = 'active' | 'deactivated';

export type CardEventType = 'card.created' | 'card.updated' | 'card.deactivated';

/** What a newly linked group's cards show. */
export const DEFAULT_CARD_TEMPLATE: CardTemplate = {
  fields: [
    'displayName',
    'jobTitle',
    'department',
    'companyName',
    'email',
    'mobilePhone',
    'businessPhone',
    'photo',
  ],
  company: {},
};
