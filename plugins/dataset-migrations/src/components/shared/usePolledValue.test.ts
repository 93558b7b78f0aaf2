import { act, renderHook, waitFor } from '@testing-library/react';
import { usePolledValue } from './usePolledValue';

describe('usePolledValue', () => {
  it('shows the latest load, not an earlier one that answers after it', async () => {
    const pending = new Map<number, (value: string) => void>();
    const load = (page: number) =>
      new Promise<string>(resolve => pending.set(page, resolve));
    const { result, rerender } = renderHook(
      ({ page }) =>
        usePolledValue(
          () => load(page),
          [page],
          () => undefined,
        ),
      { initialProps: { page: 1 } },
    );
    await waitFor(() => expect(pending.has(1)).toBe(true));
    rerender({ page: 2 });
    await waitFor(() => expect(pending.has(2)).toBe(true));

    await act(async () => pending.get(2)!('page 2'));
    expect(result.current.value).toBe('page 2');
    // The page left behind answers late: it is dropped.
    await act(async () => pending.get(1)!('page 1'));
    expect(result.current.value).toBe('page 2');
  });
});
