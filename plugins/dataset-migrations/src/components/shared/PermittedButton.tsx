import type { MouseEvent, ReactNode } from 'react';
import type { ButtonProps } from '@material-ui/core';
import type {
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { GuardedButton } from './GuardedButton';

/**
 * Whether the user may act with `permission` on `resourceRef` (an entity ref, or a
 * migration or campaign id), and, when not, why, in words for a tooltip.
 * The backend checks again on every request; this only keeps people from clicking
 * buttons that would be refused.
 */
export function usePermitted(
  permission: ResourcePermission,
  resourceRef: string | undefined,
  /** What an id names, for the tooltip: "run" unless said. */
  idOf: 'run' | 'campaign' = 'run',
): Permitted {
  return explained(
    permission,
    usePermission({ permission, resourceRef }),
    // An entity by its ref (the row it is on may be one of many); an id is "this run".
    resourceRef?.includes(':') ? `for ${resourceRef}` : `for this ${idOf}`,
  );
}

/** The same for a basic permission, one not checked against a resource. */
export function useBasicPermitted(permission: BasicPermission): Permitted {
  return explained(permission, usePermission({ permission }), '');
}

type Permitted = { allowed: boolean; loading: boolean; whyNot?: string };

function explained(
  permission: BasicPermission | ResourcePermission,
  {
    allowed,
    loading,
    error,
  }: { allowed: boolean; loading: boolean; error?: Error },
  scope: string,
): Permitted {
  let whyNot: string | undefined;
  // A check that failed (the permission backend down, the network) is not a
  // refusal: saying "you do not have the permission" would send people to ask
  // for a permission they may well have.
  if (error)
    whyNot = `Could not check the permission ${
      permission.name
    }; try again later (${shortened(error.message)})`;
  else if (!allowed && !loading)
    whyNot = `You do not have the permission ${permission.name}${
      scope ? ` ${scope}` : ''
    }`;
  return { allowed: allowed && !error, loading, whyNot };
}

/** An error's first line, cut short: a tooltip is no place for a stack of causes. */
function shortened(message: string): string {
  const line = message.split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * A button that is there for everyone but enabled only for those the permission
 * policy allows, and only when the action can work now: a person who may not act,
 * or may not yet, sees what exists and, on hover, why they cannot use it, rather
 * than wondering where it went or meeting a refusal after the click. Disabled
 * while the decision loads.
 */
export function PermittedButton(
  props: Omit<ButtonProps, 'onClick'> & {
    permission: ResourcePermission;
    resourceRef: string | undefined;
    /** Why the action cannot work now, though permitted; disables the button. */
    unavailable?: string;
    onClick(event: MouseEvent): void;
    children: ReactNode;
  },
) {
  const { permission, resourceRef, disabled, unavailable, ...buttonProps } =
    props;
  const permitted = usePermitted(permission, resourceRef);
  return (
    <GuardedButton
      {...buttonProps}
      disabled={disabled || !permitted.allowed}
      whyNot={permitted.whyNot ?? unavailable}
    />
  );
}
