import { limitExceeded } from './limits';

/**
 * Counts the pages of each listing a client follows, by the links it hands out: a page asked for
 * with a link this client returned is that listing's next page. A listing resumed from a stored
 * link (a checkpoint, a delta link) counts from there, so this bounds the pages of one client
 * (one activity attempt); the member listing also counts across attempts in its checkpoint.
 */
export function pageCounter(maxPages: number) {
  const pageOfLink = new Map<string, number>();
  return async function follow<T extends { nextLink: string | null }>(
    link: string | null | undefined,
    what: string,
    read: () => Promise<T>,
  ): Promise<T> {
    const page = (link && pageOfLink.get(link)) || 1;
    if (link) pageOfLink.delete(link);
    if (page > maxPages) throw limitExceeded('maxPages', `${what} has more than ${maxPages} pages`);
    const result = await read();
    if (result.nextLink) pageOfLink.set(result.nextLink, page + 1);
    return result;
  };
}
