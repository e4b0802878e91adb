import { EntraError, isEntraError } from './errors';
import type { GraphHttp } from './graph-http';
import { readCappedBytes } from './limits';
import { searchExpression, topParam, userSelect } from './odata';
import { USER_READ_ALL } from './permissions';
import type { GraphUser, Page } from './types';

const PREVIEW_SELECT =
  'id,displayName,givenName,surname,mail,userPrincipalName,jobTitle,department,userType,accountEnabled';

const userNotFound = (userId: string) => () =>
  new EntraError('user_not_found', `User ${userId} does not exist in the directory (or was deleted).`);

/** Runs a read where "not found" is an answer (null), not a failure. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (isEntraError(err) && err.code === 'user_not_found') return null;
    throw err;
  }
}

export function createUserReads(http: GraphHttp) {
  return {
    getUser(userId: string, select: string[]): Promise<GraphUser | null> {
      return orNull(
        http.json<GraphUser>({
          pathOrUrl: `/users/${encodeURIComponent(userId)}?$select=${userSelect(select)}`,
          describe: {
            what: `read user ${userId}`,
            permissions: [USER_READ_ALL],
            notFound: userNotFound(userId),
          },
        }),
      );
    },

    /** The profile photo bytes; null when the user has none (Graph answers 404) or doesn't exist. */
    getPhoto(userId: string): Promise<{ contentType: string; data: Buffer } | null> {
      return orNull(
        (async () => {
          const response = await http.send({
            pathOrUrl: `/users/${encodeURIComponent(userId)}/photo/$value`,
            describe: {
              what: `read the photo of user ${userId}`,
              permissions: [USER_READ_ALL],
              notFound: userNotFound(userId),
            },
          });
          const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
          return {
            contentType: contentType.split(';')[0].trim(),
            data: await readCappedBytes(
              response,
              http.limits.maxPhotoBytes,
              `the photo of user ${userId}`,
              'maxPhotoBytes',
            ),
          };
        })(),
      );
    },

    /** Directory preview: users whose name, mail or UPN matches (all users without a term). */
    async searchUsers(args: {
      search?: string;
      top?: number;
      nextLink?: string | null;
    }): Promise<Page<GraphUser>> {
      const term = args.search?.trim();
      const properties = ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName'];
      const query = `$select=${PREVIEW_SELECT}&$top=${topParam(args.top, 25)}&$count=true`;
      const page = await http.json<{ value: GraphUser[]; '@odata.nextLink'?: string }>({
        pathOrUrl:
          args.nextLink ?? `/users?${query}${term ? `&$search=${searchExpression(properties, term)}` : ''}`,
        headers: { ConsistencyLevel: 'eventual' },
        describe: { what: 'search the directory for users', permissions: [USER_READ_ALL] },
      });
      return { items: page.value, nextLink: page['@odata.nextLink'] ?? null };
    },
  };
}
