import type { GraphUser, Page } from '../graph/types';
import { settleLater } from './promises';

/** A member page on its way; `nextLink` settles as soon as the link to the page after it is known. */
export interface PageInFlight {
  page: Promise<Page<GraphUser>>;
  nextLink: Promise<string | null>;
}

export type FetchPage = (link: string | null, onNextLink: (link: string) => void) => Promise<Page<GraphUser>>;

/**
 * Member pages requested ahead of the one being staged. A page's link to the next one arrives
 * ahead of its users (graph/collection-stream.ts): the next page is requested then, while earlier
 * pages are still parsed and staged, so a slow staging does not hold the listing back. At most
 * `depth` pages wait; a link that arrives while they do is held until one is taken.
 */
export class PagePrefetch {
  private readonly ahead: PageInFlight[] = [];
  private held: string | null = null;
  /** Bumped when the listing starts over: links of an older listing's pages are ignored. */
  private listing = 0;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly depth: number,
  ) {}

  get waiting(): number {
    return this.ahead.length;
  }

  /** Requests the first page (null = the listing's first) of a listing. */
  start(link: string | null): void {
    this.request(link);
  }

  /** The oldest page in flight; its follow-up may be requested now that a slot is free. */
  take(): PageInFlight | undefined {
    const current = this.ahead.shift();
    this.requestHeld();
    return current;
  }

  /** Once a taken page is staged, its link is known: its follow-up is requested, or was already. */
  async settled(current: PageInFlight): Promise<void> {
    await current.nextLink.catch(() => null);
    this.requestHeld();
  }

  /** Drops every page in flight and requests the first page again. */
  restart(): void {
    this.listing++;
    this.ahead.length = 0;
    this.held = null;
    this.request(null);
  }

  private request(link: string | null): void {
    const of = this.listing;
    let early!: (link: string) => void;
    const linkAhead = new Promise<string>((resolve) => (early = resolve));
    const page = settleLater(this.fetchPage(link, early));
    const inFlight: PageInFlight = {
      page,
      nextLink: settleLater(Promise.race([linkAhead, page.then((p) => p.nextLink)])),
    };
    this.ahead.push(inFlight);
    inFlight.nextLink.then(
      (next) => {
        if (of !== this.listing || !next) return;
        if (this.ahead.length < this.depth) this.request(next);
        else this.held = next;
      },
      () => undefined,
    );
  }

  private requestHeld(): void {
    if (this.held === null || this.ahead.length >= this.depth) return;
    const link = this.held;
    this.held = null;
    this.request(link);
  }
}
