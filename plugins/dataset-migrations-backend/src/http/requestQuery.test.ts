import type express from 'express';
import { createRouter } from './router';

/** Every GET route of the plugin's routers, with the name of the first handler it runs. */
function getRoutes(router: express.Router, prefix = ''): [string, string][] {
  type Layer = {
    route?: { path: string; methods: { get?: boolean }; stack: Layer[] };
    name: string;
    handle: express.Router & { stack?: Layer[] };
  };
  return (router.stack as unknown as Layer[]).flatMap(layer => {
    if (layer.route)
      return layer.route.methods.get
        ? [[`${prefix}${layer.route.path}`, layer.route.stack[0].name]]
        : [];
    // A router mounted with router.use (the campaigns').
    return layer.handle.stack ? getRoutes(layer.handle, prefix) : [];
  }) as [string, string][];
}

describe('query checks', () => {
  it('start every GET route of the plugin, the campaigns’ included', () => {
    const router = createRouter({
      service: {} as never,
      consumers: {} as never,
      pullRequests: {} as never,
      httpAuth: {} as never,
      guard: {} as never,
      campaigns: {} as never,
    });
    const routes = getRoutes(router);
    expect(routes.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        '/datasets',
        '/schema-versions',
        '/migrations',
        '/consumers',
        '/campaigns',
      ]),
    );
    expect(routes.filter(([, first]) => first !== 'queryCheck')).toEqual([]);
  });
});
