import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';

/**
 * Refuses (403) a campaign owner that is neither the user nor among their
 * ownership refs (their groups, as sign-in resolved them): the owner is told of
 * the campaign and shown as answering for it, so nobody makes another team own
 * one. Refs compare as the campaign document normalises them (a bare name is a
 * group in `default`), kind, namespace and name without case. No one is exempt,
 * admins included: to name another team, be in it.
 */
export async function assertMayOwn(
  userInfo: Pick<UserInfoService, 'getUserInfo'>,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  owner: string,
): Promise<void> {
  const wanted = comparableRef(owner);
  const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
  const own = [credentials.principal.userEntityRef, ...ownershipEntityRefs];
  if (wanted !== undefined && own.some(ref => comparableRef(ref) === wanted))
    return;
  throw new NotAllowedError(
    `not allowed: campaign owner ${owner} is not you or a group you are in; name yourself or one of your groups`,
  );
}

/** An owner ref as campaigns compare them; undefined for one that is no ref. */
export function comparableRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}
