module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The fault suite (`yarn chaos`) is test tooling that no runtime code
      // loads: it builds its world from the test helpers.
      files: ['src/chaos/**'],
      rules: { 'no-restricted-imports': 'off' },
    },
  ],
});
