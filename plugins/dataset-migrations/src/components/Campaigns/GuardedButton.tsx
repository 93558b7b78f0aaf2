import { Button, Tooltip, type ButtonProps } from '@material-ui/core';

/**
 * A button that stays in view when it cannot be used, disabled, saying why on
 * hover (the state does not allow it, or the permission policy does not).
 */
export function GuardedButton(props: ButtonProps & { whyNot?: string }) {
  const { whyNot, disabled, ...buttonProps } = props;
  const button = <Button {...buttonProps} disabled={disabled || !!whyNot} />;
  if (!whyNot) return button;
  return (
    <Tooltip title={whyNot}>
      {/* A disabled button fires no events; the span lets the tooltip show. */}
      <span>{button}</span>
    </Tooltip>
  );
}
