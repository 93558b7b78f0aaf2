import type { UserInfoService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/**
 * Test-only: user info in which each user owns their own ref and the groups
 * `groupsOf` gives them (by default every user is in `group:default/data`, the
 * owner of `campaignDocument()`).
 */
export function usersInGroups(
  groupsOf: (userEntityRef: string) => string[] = () => ['group:default/data'],
): UserInfoService {
  const plain = mockServices.userInfo();
  return {
    async getUserInfo(credentials) {
      const info = await plain.getUserInfo(credentials);
      return {
        ...info,
        ownershipEntityRefs: [
          ...info.ownershipEntityRefs,
          ...groupsOf(info.userEntityRef),
        ],
      };
    },
  };
}
