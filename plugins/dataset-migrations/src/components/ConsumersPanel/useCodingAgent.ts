import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';

/** One answer per API for the page's life: the backend's setting does not change while it runs. */
const answers = new WeakMap<
  DatasetMigrationsApi,
  Promise<boolean | undefined>
>();

/**
 * Whether the backend has a coding agent: false when it said it has none,
 * undefined while asking, when it could not say, or for an API that cannot ask
 * (the choice is then offered, and the backend's answer to it says).
 */
export function useCodingAgent(): boolean | undefined {
  const api = useApi(datasetMigrationsApiRef);
  const { value } = useAsync(() => {
    let answer = answers.get(api);
    if (!answer) {
      answer = api.getCodingAgent
        ? api.getCodingAgent().then(
            r => r.configured,
            () => undefined,
          )
        : Promise.resolve(undefined);
      answers.set(api, answer);
    }
    return answer;
  }, [api]);
  return value;
}
