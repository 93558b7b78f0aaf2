/**
 * Sends generated malformed bodies across every POST and PUT route and counts
 * what came back: statuses, 5xx answers with their bodies, and the slowest route.
 */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import request from 'supertest';
import { API, type Route } from './fuzzBackend';
import { malformedBody, seeded } from './malformedBodies';

/**
 * A well-formed body per route, refused for what it means (an unknown field, a
 * version not above the current one, a campaign that selects nothing), so that
 * a broken copy that happens to parse still changes nothing.
 */
export function templateFor(path: string): object {
  const spec = {
    entityRef: 'resource:default/events',
    targetVersion: 1,
    changes: [{ renameField: { from: 'nope', to: 'still_nope' } }],
  };
  const campaign = {
    name: 'fuzz-nothing',
    title: 'Selects nothing',
    // The fuzz's caller (the mock user): a campaign's owner is its creator or their group.
    owner: 'user:default/mock',
    deadline: '2099-12-31',
    selector: { entityRefs: ['resource:default/nowhere'] },
    changes: [{ renameField: { from: 'nope', to: 'still_nope' } }],
  };
  const templates: Record<string, object> = {
    '/plans': spec,
    '/migrations': spec,
    '/impact': spec,
    '/plans/infer': {
      entityRef: 'resource:default/nowhere',
      fields: [{ name: 'id', type: 'integer', examples: ['1'] }],
    },
    '/rewrite-preview': {
      ...spec,
      files: [{ path: 'a.sql', content: 'select nope from events' }],
    },
    '/campaigns': campaign,
    '/campaigns/plan': campaign,
    '/migrations/:id/approve': { requestDigest: 'abc', comment: 'ok' },
    '/migrations/:id/reject': { comment: 'no' },
    '/migrations/:id/rollback': { override: { reason: 'fuzz' } },
    '/migrations/:id/contract': { override: { reason: 'fuzz' } },
    '/migrations/:id/consumers/retry': {
      entityRefs: ['component:default/player'],
    },
    '/migrations/:id/consumers/decisions': {
      entityRef: 'component:default/player',
      decision: 'exclude',
      reason: 'fuzz',
    },
    '/campaigns/:id/pause': { reason: 'fuzz' },
    '/campaigns/:id/abort': { reason: 'fuzz' },
  };
  return templates[path] ?? {};
}

/** The route's path with the run or campaign named and a consumer for consumer routes. */
export function pathOf(
  route: Route,
  migrationId: string,
  campaignId: string,
): string {
  return route.path
    .replace(
      ':id',
      route.path.startsWith('/campaigns/:id') ? campaignId : migrationId,
    )
    .replace(':kind/:namespace/:name', 'component/default/player');
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  /** Every answer of 500 or more, with what was sent. */
  serverErrors: Array<{
    route: string;
    kind: string;
    status: number;
    body: string;
  }>;
  /** Answers that were neither 4xx nor the 5xx above (a 2xx or 3xx). */
  accepted: Array<{ route: string; kind: string; status: number }>;
  slowest: { route: string; kind: string; ms: number };
  /** The slowest answer per route. */
  slowestByRoute: Record<string, number>;
}

/** The fixture's id for a roll below 0.8, else an unknown id, else a malformed one. */
function idFor(roll: number, fixtureId: string): string {
  if (roll < 0.8) return fixtureId;
  if (roll < 0.9) return randomUUID();
  return 'not-an-id';
}

export async function fuzzRoutes(options: {
  server: express.Express;
  routes: Route[];
  migrationId: string;
  campaignId: string;
  bodies: number;
  seed: number;
}): Promise<FuzzReport> {
  const random = seeded(options.seed);
  const report: FuzzReport = {
    requests: 0,
    byStatus: {},
    serverErrors: [],
    accepted: [],
    slowest: { route: '', kind: '', ms: 0 },
    slowestByRoute: {},
  };
  // A route whose body is all optional takes an empty one: bodies that amount to
  // none (an empty object, a body not parsed for its content type) are not malformed there.
  const takesEmpty = new Set<string>();
  for (const route of options.routes) {
    const res = await request(options.server)
      [route.method](
        `${API}${pathOf(route, options.migrationId, options.campaignId)}`,
      )
      .send({});
    if (res.status < 300) takesEmpty.add(route.path);
  }
  for (let i = 0; i < options.bodies; i++) {
    const route = options.routes[i % options.routes.length];
    const isCampaign = route.path.startsWith('/campaigns/:id');
    // Mostly the fixture (its state refuses every action), sometimes an unknown or malformed id.
    const roll = random();
    const id = idFor(
      roll,
      isCampaign ? options.campaignId : options.migrationId,
    );
    const url = pathOf(route, id, id);
    let body = malformedBody(templateFor(route.path) as never, random);
    while (
      takesEmpty.has(route.path) &&
      /^(wrong-content-type|empty-object at body)$/.test(body.kind)
    )
      body = malformedBody(templateFor(route.path) as never, random);
    const started = Date.now();
    const res = await request(options.server)
      [route.method](`${API}${url}`)
      .set('Content-Type', body.contentType)
      .send(body.body);
    const ms = Date.now() - started;
    const name = `${route.method.toUpperCase()} ${route.path}`;
    report.requests++;
    report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
    report.slowestByRoute[name] = Math.max(
      report.slowestByRoute[name] ?? 0,
      ms,
    );
    if (ms > report.slowest.ms)
      report.slowest = { route: name, kind: body.kind, ms };
    if (res.status >= 500)
      report.serverErrors.push({
        route: name,
        kind: body.kind,
        status: res.status,
        body: res.text.slice(0, 300),
      });
    else if (res.status < 400)
      report.accepted.push({
        route: name,
        kind: body.kind,
        status: res.status,
      });
  }
  return report;
}
