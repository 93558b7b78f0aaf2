import { useId, type CSSProperties } from 'react';
import { Button, Tooltip, type ButtonProps } from '@material-ui/core';

/** Read by screen readers, not shown. */
const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * A button that stays in view when it cannot be used, disabled, saying why (the
 * state does not allow it, or the permission policy does not): on hover, on
 * keyboard focus, and to screen readers as the button's description.
 */
export function GuardedButton(props: ButtonProps & { whyNot?: string }) {
  const { whyNot, disabled, ...buttonProps } = props;
  const reasonId = useId();
  if (!whyNot) return <Button {...buttonProps} disabled={disabled} />;
  return (
    <Tooltip title={whyNot}>
      {/* A disabled button takes no focus and fires no events: the span takes
          them, so the reason shows on hover and on Tab. The click is stopped so a
          button in a row summary does not toggle the row. */}
      <span tabIndex={0} onClick={event => event.stopPropagation()}>
        <Button {...buttonProps} disabled aria-describedby={reasonId} />
        <span id={reasonId} style={visuallyHidden}>
          {whyNot}
        </span>
      </span>
    </Tooltip>
  );
}
