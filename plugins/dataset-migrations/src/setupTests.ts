import '@testing-library/jest-dom';

// Whole flows through a page (open, fill, confirm, read back) take seconds on a
// 2-core CI machine running the backend suites alongside: Jest's 5 s default
// fails them for slowness, not for what they assert.
jest.setTimeout(30_000);
