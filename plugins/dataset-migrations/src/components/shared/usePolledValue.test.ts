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

  it('reloads with the latest load, and loads again only when deps change', async () => {
    const load = jest.fn(async (label: string) => label);
    const { result, rerender } = renderHook(
      ({ label, key }) =>
        usePolledValue(
          () => load(label),
          [key],
          () => undefined,
        ),
      { initialProps: { label: 'first', key: 1 } },
    );
    await waitFor(() => expect(result.current.value).toBe('first'));

    // A new closure with the same deps is not a reason to load…
    rerender({ label: 'second', key: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    // …but a reload runs it, not the closure of the render the deps changed in.
    await act(async () => result.current.reload());
    expect(result.current.value).toBe('second');

    rerender({ label: 'third', key: 2 });
    await waitFor(() => expect(result.current.value).toBe('third'));
    expect(load).toHaveBeenCalledTimes(3);
  });
});
