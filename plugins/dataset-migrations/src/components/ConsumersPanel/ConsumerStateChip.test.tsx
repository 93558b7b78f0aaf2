import { render, screen } from '@testing-library/react';
import { ConsumerStateChip } from './ConsumerStateChip';

describe('ConsumerStateChip', () => {
  it.each([
    ['pr-opened', 1, '1 pull request open'],
    ['pr-opened', 3, '3 pull requests open'],
    ['failed', 2, '2 failed'],
    ['kept', 2, '2 kept on the old shape'],
  ] as const)('counts %s ×%i as "%s"', (state, count, text) => {
    render(<ConsumerStateChip state={state} count={count} />);
    expect(screen.getByText(text)).toBeInTheDocument();
  });

  it('names a single consumer’s state as the ledger does', () => {
    render(<ConsumerStateChip state="pr-opened" />);
    expect(screen.getByText('Pull request open')).toBeInTheDocument();
  });
});
