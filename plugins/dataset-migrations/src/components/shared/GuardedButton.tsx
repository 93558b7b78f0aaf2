import { Fragment, useId, type MouseEvent } from 'react';
import {
  Button,
  Tooltip,
  makeStyles,
  type ButtonProps,
} from '@material-ui/core';

/** The look of a disabled button, on one that keeps its focus and its hover. */
const useStyles = makeStyles(theme => ({
  unusable: {
    color: theme.palette.action.disabled,
    cursor: 'not-allowed',
    boxShadow: 'none',
    '&:hover': { backgroundColor: 'transparent', boxShadow: 'none' },
  },
  contained: {
    backgroundColor: theme.palette.action.disabledBackground,
    '&:hover': { backgroundColor: theme.palette.action.disabledBackground },
  },
  outlined: {
    borderColor: theme.palette.action.disabledBackground,
  },
}));

/**
 * A button that stays in view when it cannot be used, saying why (the state does
 * not allow it, or the permission policy does not). It is `aria-disabled`, not
 * disabled: it keeps its place in the Tab order and its hover, so the reason shows
 * on hover and on focus, and screen readers read it as the button's description.
 * A click does nothing, and goes no further (a button in a row summary does not
 * toggle the row).
 */
export function GuardedButton(
  props: ButtonProps & {
    whyNot?: string;
    /** What a usable button will do, shown on hover and focus like a reason. */
    note?: string;
  },
) {
  const { whyNot, note, disabled, onClick, className, ...buttonProps } = props;
  const classes = useStyles();
  const reasonId = useId();
  const unusable = whyNot !== undefined;
  const look = [
    className,
    unusable && classes.unusable,
    unusable && buttonProps.variant === 'contained' && classes.contained,
    unusable && buttonProps.variant === 'outlined' && classes.outlined,
  ];
  // One shape whether or not there is a reason, so the button stays the same
  // element (and keeps its focus) as a reason comes and goes; an empty title
  // shows no tooltip.
  return (
    <>
      <Tooltip
        title={whyNot || note ? <BreakableAtDots text={whyNot || note!} /> : ''}
      >
        <Button
          {...buttonProps}
          className={look.filter(Boolean).join(' ') || undefined}
          disabled={disabled && !unusable}
          {...(unusable && {
            'aria-disabled': true,
            'aria-describedby': reasonId,
            disableRipple: true,
          })}
          onClick={
            unusable
              ? (event: MouseEvent) => {
                  event.preventDefault();
                  event.stopPropagation();
                }
              : onClick
          }
        />
      </Tooltip>
      {unusable && (
        <span hidden id={reasonId}>
          {whyNot}
        </span>
      )}
    </>
  );
}

/**
 * Text whose long dotted names (a permission such as
 * `dataset-migrations.migration.approve`) wrap after a dot rather than mid-word
 * in a narrow tooltip.
 */
function BreakableAtDots(props: { text: string }) {
  const parts = props.text.split('.');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  );
}
