import type { TargetSchema } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Reads the desired fields as typed, one a line: `name type [example,example…]`,
 * e.g. `country_code text SE,US`. Blank lines are skipped.
 */
export function parseDesiredFields(text: string): TargetSchema['fields'] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .map(line => {
      const [name, ...rest] = line.split(/\s+/);
      // "double precision" is the one type with a space in it.
      const twoWordType = rest.slice(0, 2).join(' ');
      const typeWords = twoWordType === 'double precision' ? 2 : 1;
      const type = rest.slice(0, typeWords).join(' ');
      const examples = rest.slice(typeWords).join(' ');
      return {
        name,
        type: type as TargetSchema['fields'][number]['type'],
        ...(examples
          ? {
              examples: examples
                .split(',')
                .map(e => e.trim())
                .filter(Boolean),
            }
          : {}),
      };
    });
}
