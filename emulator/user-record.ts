import type { Photo } from './photos';

/** A directory object's Graph properties, as Graph would return them. */
export type GraphProps = Record<string, unknown>;

/** Where a user's base properties come from: stored as-is, or rebuilt on demand from a few seeds. */
export interface PropsSource {
  materialize(): GraphProps;
}

/**
 * One directory user. Generated users keep only what their properties are derived from (a few
 * numbers and the unique mail local part), so a 100,000-user tenant is cheap to create and hold;
 * changes made through the control API live in `overrides`.
 */
export class UserRecord {
  /** soft-deleted: hidden from reads, reported by users/delta as removed ("changed") */
  deletedDateTime: string | null = null;
  photo: Photo | null = null;
  /** tenant version of the last change (drives users/delta) */
  changedAt = 0;
  private overrides: GraphProps | null = null;

  constructor(
    readonly id: string,
    private readonly base: GraphProps | PropsSource,
  ) {}

  /** the current Graph properties (without id); a fresh object for generated users */
  get props(): GraphProps {
    const base = isSource(this.base) ? this.base.materialize() : this.base;
    return this.overrides ? Object.assign({}, base, this.overrides) : base;
  }

  /** sets properties; onPremisesExtensionAttributes merges attribute by attribute, as Graph's PATCH does */
  patch(values: GraphProps): void {
    const next: GraphProps = { ...this.overrides };
    for (const [name, value] of Object.entries(values)) {
      if (name === 'onPremisesExtensionAttributes' && value && typeof value === 'object') {
        next[name] = { ...(this.props.onPremisesExtensionAttributes as GraphProps | undefined), ...value };
      } else next[name] = value;
    }
    this.overrides = next;
  }
}

function isSource(base: GraphProps | PropsSource): base is PropsSource {
  return typeof (base as PropsSource).materialize === 'function';
}
