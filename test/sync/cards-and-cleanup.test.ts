import { describe, expect, it } from 'vitest';
import { PROFILE_COLUMNS, type ProfileValues } from '../../domain/recipient';
import {
  checkDeletionThreshold,
  cleanupChangesSomething,
  cleanupEffect,
  cleanupOutcome,
  mergedCleanupOptions,
} from '../../domain/cleanup-policy';
import { DEFAULT_SYNC_OPTIONS } from '../../domain/sync-options';
import { planCardWrite, type CardTarget } from '../../domain/plan-card-write';
import { renderCard } from '../../domain/render-card';

const values = (v: Partial<ProfileValues>) => ({
  ...(Object.fromEntries(PROFILE_COLUMNS.map((c) => [c, null])) as ProfileValues),
  ...v,
});
const template = {
  fields: ['displayName', 'jobTitle', 'email', 'custom.linkedin', 'photo'],
  company: { website: 'https://contoso.example' },
};
const source = {
  values: values({ email: 'a@x.example', displayName: 'Ada', jobTitle: null, department: 'R&D' }),
  customFields: { linkedin: 'https://l.example/a', other: 'x' },
};

describe('renderCard', () => {
  it('when a template lists fields, then the card holds exactly those with a value, custom ones under custom, and the photo reference', () => {
    const { content } = renderCard(source, template, { contentHash: 'abc', contentType: 'image/png' });
    expect(content).toEqual({
      recipient: { displayName: 'Ada', email: 'a@x.example', custom: { linkedin: 'https://l.example/a' } },
      company: { website: 'https://contoso.example' },
      photo: { contentHash: 'abc', contentType: 'image/png' },
    });
  });

  it('when nothing on the card changed, then the hash is equal; when a shown field changed, then it differs', () => {
    const a = renderCard(source, template, null).contentHash;
    expect(
      renderCard({ ...source, values: { ...source.values, department: 'Sales' } }, template, null)
        .contentHash,
    ).toBe(a);
    expect(
      renderCard({ ...source, values: { ...source.values, displayName: 'Ada L.' } }, template, null)
        .contentHash,
    ).not.toBe(a);
  });

  it('when the template does not show the photo, then the card has none', () => {
    expect(
      renderCard(source, { ...template, fields: ['email'] }, { contentHash: 'abc', contentType: 'image/png' })
        .content.photo,
    ).toBeNull();
  });
});

describe('planCardWrite', () => {
  const base: CardTarget = {
    recipientId: 'r',
    groupId: 'g',
    recipientActive: true,
    isMember: true,
    createCards: true,
    template,
    source,
    photo: null,
    sourceKey: 'key-1',
    card: null,
  };
  const rendered = renderCard(source, template, null);
  const card = {
    id: 'c',
    version: 3,
    status: 'active' as const,
    contentHash: rendered.contentHash,
    content: rendered.content as never,
    sourceKey: 'key-1',
  };
  const id = () => 'new-id';

  it('when an active member has no card, then version 1 is created with card.created (unless the group creates none)', () => {
    expect(planCardWrite(base, id)).toMatchObject({
      kind: 'create',
      cardId: 'new-id',
      version: 1,
      event: 'card.created',
      sourceKey: 'key-1',
    });
    expect(planCardWrite({ ...base, createCards: false }, id)).toEqual({ kind: 'none' });
  });
  it('when the rendered content is unchanged, then no version is written', () => {
    expect(planCardWrite({ ...base, card }, id)).toEqual({ kind: 'unchanged' });
  });
  it('when the content changed, then the next version with card.updated', () => {
    expect(planCardWrite({ ...base, card: { ...card, contentHash: 'old' } }, id)).toMatchObject({
      kind: 'update',
      version: 4,
      event: 'card.updated',
    });
  });
  it('when the recipient is no longer active or a member, then an active card is deactivated once', () => {
    expect(planCardWrite({ ...base, card, recipientActive: false }, id)).toMatchObject({
      kind: 'deactivate',
      version: 4,
      status: 'deactivated',
    });
    expect(planCardWrite({ ...base, card, isMember: false }, id)).toMatchObject({
      kind: 'deactivate',
      event: 'card.deactivated',
    });
    expect(planCardWrite({ ...base, card: { ...card, status: 'deactivated' }, isMember: false }, id)).toEqual(
      { kind: 'none' },
    );
  });
  it('when a deactivated card belongs to an active member again, then it is reactivated with card.updated', () => {
    expect(planCardWrite({ ...base, card: { ...card, status: 'deactivated' } }, id)).toMatchObject({
      kind: 'update',
      status: 'active',
      version: 4,
    });
  });
});

describe('cleanup policy', () => {
  const opts = { ...DEFAULT_SYNC_OPTIONS };
  it('when options say keep, then nothing happens; deactivate/delete set the status; removed members leave the group', () => {
    expect(cleanupEffect('disabled', { ...opts, disabledUsers: 'keep' })).toMatchObject({
      removeMembership: false,
      status: null,
    });
    expect(cleanupEffect('disabled', { ...opts, disabledUsers: 'deactivate' })).toMatchObject({
      removeMembership: false,
      status: 'deactivated',
    });
    expect(cleanupEffect('removed', { ...opts, removedUsers: 'remove_from_group' })).toMatchObject({
      removeMembership: true,
      status: null,
    });
    expect(cleanupEffect('removed', { ...opts, removedUsers: 'deactivate' })).toMatchObject({
      removeMembership: true,
      status: 'deactivated',
    });
    expect(cleanupEffect('deleted', { ...opts, deletedUsers: 'delete' })).toMatchObject({
      removeMembership: true,
      status: 'deleted',
    });
  });
  it('when the recipient is already in the target state, then the effect changes nothing (and is not counted)', () => {
    const deactivate = cleanupEffect('disabled', opts);
    expect(cleanupChangesSomething(deactivate, { status: 'deactivated', isMember: true })).toBe(false);
    expect(cleanupChangesSomething(deactivate, { status: 'active', isMember: true })).toBe(true);
  });
  it('when a cleanup is broken down by effect, then each recipient counts once, under the strongest change it makes', () => {
    const removedDeactivate = cleanupEffect('removed', { ...opts, removedUsers: 'deactivate' });
    // Deactivated and taken out of the group: a deactivation.
    expect(cleanupOutcome(removedDeactivate, { status: 'active', isMember: true })).toBe('deactivate');
    // Already deactivated: only the membership goes.
    expect(cleanupOutcome(removedDeactivate, { status: 'deactivated', isMember: true })).toBe(
      'remove_from_group',
    );
    expect(cleanupOutcome(removedDeactivate, { status: 'deactivated', isMember: false })).toBeNull();
    const deleted = cleanupEffect('deleted', { ...opts, deletedUsers: 'delete' });
    expect(cleanupOutcome(deleted, { status: 'deactivated', isMember: true })).toBe('delete');
    expect(cleanupOutcome(deleted, { status: 'deleted', isMember: true })).toBe('remove_from_group');
    const kept = cleanupEffect('disabled', { ...opts, disabledUsers: 'keep' });
    expect(cleanupOutcome(kept, { status: 'active', isMember: true })).toBeNull();
  });
  it('when a recipient is in several groups, then the most careful option wins; in none, the defaults', () => {
    const merged = mergedCleanupOptions([
      { ...opts, disabledUsers: 'delete', deletedUsers: 'delete' },
      { ...opts, disabledUsers: 'keep', deletedUsers: 'delete' },
    ]);
    expect(merged).toMatchObject({ disabledUsers: 'keep', deletedUsers: 'delete' });
    expect(mergedCleanupOptions([])).toMatchObject({ disabledUsers: DEFAULT_SYNC_OPTIONS.disabledUsers });
  });
  it('when cleanup exceeds maxCount or maxPercent, then the threshold holds it; null limits never do', () => {
    expect(checkDeletionThreshold({ maxCount: 5, maxPercent: null }, 6, 100).exceeds).toBe(true);
    expect(checkDeletionThreshold({ maxCount: 5, maxPercent: null }, 5, 100).exceeds).toBe(false);
    expect(checkDeletionThreshold({ maxCount: null, maxPercent: 10 }, 11, 100).exceeds).toBe(true);
    expect(checkDeletionThreshold({ maxCount: null, maxPercent: 10 }, 10, 100).exceeds).toBe(false);
    expect(checkDeletionThreshold({ maxCount: null, maxPercent: null }, 1000, 10).exceeds).toBe(false);
  });
});
