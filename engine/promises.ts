/**
 * A request started now and awaited later (to overlap round trips): its failure surfaces where it
 * is awaited, never as an unhandled rejection if the code in between throws first.
 */
export function settleLater<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}
