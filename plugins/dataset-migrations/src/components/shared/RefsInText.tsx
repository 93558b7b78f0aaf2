import { Fragment } from 'react';
import { CatalogRefLink } from './PersonLink';

/** Full refs of the catalog's own kinds: `component:default/daily-plays`. */
const ENTITY_REF =
  /\b(component|resource|user|group|system|api|domain):[a-z0-9][a-z0-9._-]*\/[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?/gi;

/**
 * A server's message (a refusal, a failure reason) with the entity refs it names
 * shown as the portal shows entities: linked when in the catalog, by name otherwise.
 */
export function RefsInText(props: { text: string }) {
  const { text } = props;
  const parts: JSX.Element[] = [];
  let last = 0;
  for (const match of text.matchAll(ENTITY_REF)) {
    const at = match.index!;
    parts.push(<Fragment key={`t${at}`}>{text.slice(last, at)}</Fragment>);
    parts.push(
      <CatalogRefLink
        key={`r${at}`}
        entityRef={match[0]}
        defaultKind={match[1].toLowerCase()}
      />,
    );
    last = at + match[0].length;
  }
  parts.push(<Fragment key="end">{text.slice(last)}</Fragment>);
  return <>{parts}</>;
}
