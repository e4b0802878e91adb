/** One line of a recipient's change history: what a run (or an admin) changed, and why. */
export interface RecipientChange {
  recipientId: string | null;
  entraUserId: string | null;
  /** created | updated | deactivated | deleted | reactivated | removed_from_group | skipped | photo */
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
}
