import { createRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'dataset-migrations' });

/** The Campaigns page; a campaign is at `<campaigns>/:id`, a new one at `<campaigns>/new`. */
export const campaignsRouteRef = createRouteRef({
  id: 'dataset-migrations:campaigns',
});
