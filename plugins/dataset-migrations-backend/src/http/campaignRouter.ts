import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  resolvePackagePath,
  type AuditorServiceEventSeverityLevel,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  CAMPAIGN_JSON_SCHEMA_PATH,
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  type Campaign,
  type CampaignListResponse,
  type CampaignPlanResponse,
  type CampaignResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { CampaignService } from '../campaigns/CampaignService';
import { parseInput } from '../validation/parseInput';
import type { RequestGuard } from './RequestGuard';
import { idInPath } from './pathParams';
import { specOf, specOrRefusal } from './specOf';
import { bodyOf, noBody } from './requestBody';
import { anyQuery, takesQuery } from './requestQuery';

const campaignId = z.string().uuid('must be a campaign id');

const campaignJsonSchemaFile = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-common',
  CAMPAIGN_JSON_SCHEMA_PATH,
);

/**
 * Campaign routes, mounted by the plugin's router (which parses JSON and YAML
 * bodies). Reading and planning need `campaign.read`, creating a draft
 * `campaign.create`, and starting, pausing, resuming and aborting
 * `campaign.manage` on the campaign; every change is one audit event, a
 * refusal included.
 */
export function createCampaignRouter(options: {
  service: CampaignService;
  httpAuth: HttpAuthService;
  guard: RequestGuard;
}): express.Router {
  const { service, httpAuth, guard } = options;
  const router = Router();

  router.get('/campaign-spec/v1/schema.json', anyQuery(), (_req, res) => {
    res.sendFile(campaignJsonSchemaFile);
  });

  /** A signed-in user (never a service) holding `permission`. */
  async function userWith(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await guard.assertAllowed(credentials, permission);
    return credentials;
  }

  router.post('/campaigns/plan', async (req, res) => {
    const credentials = await userWith(
      req,
      datasetMigrationCampaignReadPermission,
    );
    const plan = await service.plan(specOf(req, 'campaign'), credentials);
    res.json({ plan } satisfies CampaignPlanResponse);
  });

  router.get('/campaigns', takesQuery(), async (req, res) => {
    await userWith(req, datasetMigrationCampaignReadPermission);
    res.json({ items: await service.list() } satisfies CampaignListResponse);
  });

  router.get('/campaigns/:id', takesQuery(), async (req, res) => {
    const credentials = await userWith(
      req,
      datasetMigrationCampaignReadPermission,
    );
    const id = parseInput(campaignId, req.params.id, 'campaign id');
    res.json({
      campaign: await service.readableTo(await service.get(id), credentials),
    } satisfies CampaignResponse);
  });

  router.post('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { spec: document, refusal } = specOrRefusal(req, 'campaign');
    const name = (document as { name?: unknown } | null)?.name;
    const campaign = await guard.audited(
      req,
      {
        eventId: 'campaign-create',
        severityLevel: 'medium',
        // As sent (the guard cuts a long one short): it is checked only inside.
        meta: typeof name === 'string' ? { name } : {},
      },
      async addMeta => {
        await guard.assertAllowed(
          credentials,
          datasetMigrationCampaignCreatePermission,
        );
        if (refusal) throw refusal;
        const created = await service.create(document, credentials);
        addMeta({ campaignId: created.id, datasets: created.counts.datasets });
        return created;
      },
    );
    res.status(201).json({ campaign } satisfies CampaignResponse);
  });

  /** A change to the campaign in the path by a user holding `campaign.manage` on it, as one audit event. */
  async function managed(
    req: express.Request,
    event: { eventId: string; severityLevel: AuditorServiceEventSeverityLevel },
    act: (
      id: string,
      credentials: Awaited<ReturnType<typeof userWith>>,
      addMeta: (meta: JsonObject) => void,
    ) => Promise<Campaign>,
  ): Promise<Campaign> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // A malformed id is refused inside the event, so the refusal is recorded too.
    return guard.audited(
      req,
      { ...event, meta: { campaignId: idInPath(req) } },
      async addMeta => {
        const id = parseInput(campaignId, req.params.id, 'campaign id');
        // On this campaign: a policy may allow it only to the campaign's owner.
        await guard
          .assertAllowedOnCampaign(
            credentials,
            datasetMigrationCampaignManagePermission,
            id,
          )
          .catch(async refusal => {
            if (!(refusal instanceof NotAllowedError)) throw refusal;
            // A conditional decision on a campaign that is not there denies:
            // a 403 that would send its owner looking for a right. One who may
            // read campaigns, and so learn which exist, is told 404 instead.
            const reader = await guard
              .assertAllowed(
                credentials,
                datasetMigrationCampaignReadPermission,
              )
              .then(
                () => true,
                () => false,
              );
            if (reader) await service.get(id);
            throw refusal;
          });
        const campaign = await act(id, credentials, addMeta);
        addMeta({ name: campaign.name, state: campaign.state });
        return service.readableTo(campaign, credentials);
      },
    );
  }

  router.post('/campaigns/:id/start', async (req, res) => {
    const campaign = await managed(
      req,
      { eventId: 'campaign-start', severityLevel: 'medium' },
      (id, credentials) => {
        noBody(req, 'start request');
        return service.start(id, credentials);
      },
    );
    res.json({ campaign } satisfies CampaignResponse);
  });

  router.post('/campaigns/:id/pause', async (req, res) => {
    const campaign = await managed(
      req,
      { eventId: 'campaign-pause', severityLevel: 'medium' },
      (id, credentials) => service.pause(id, bodyOf(req), credentials),
    );
    res.json({ campaign } satisfies CampaignResponse);
  });

  router.post('/campaigns/:id/resume', async (req, res) => {
    // Resuming after the failure policy paused it overrides the policy: high.
    const parsedId = campaignId.safeParse(req.params.id);
    const automatic =
      parsedId.success && (await service.pausedByRunner(parsedId.data));
    const campaign = await managed(
      req,
      {
        eventId: 'campaign-resume',
        severityLevel: automatic ? 'high' : 'medium',
      },
      async (id, credentials, addMeta) => {
        const resumed = await service.resume(id, bodyOf(req), credentials);
        addMeta({
          afterAutomaticPause: resumed.afterAutomaticPause,
          // The failures the person accepted, as their page showed them (the
          // first hundred: an audit event stays small).
          ...(resumed.failedSeen
            ? {
                failedSeen: resumed.failedSeen.slice(0, 100),
                failedSeenCount: resumed.failedSeen.length,
              }
            : {}),
          // Where the campaign lost a right to the resumer's (the first hundred).
          narrowed: {
            start: resumed.narrowed.start.slice(0, 100),
            approve: resumed.narrowed.approve.slice(0, 100),
            contract: resumed.narrowed.contract.slice(0, 100),
          },
        });
        return resumed.campaign;
      },
    );
    res.json({ campaign } satisfies CampaignResponse);
  });

  router.post('/campaigns/:id/abort', async (req, res) => {
    const campaign = await managed(
      req,
      { eventId: 'campaign-abort', severityLevel: 'medium' },
      (id, credentials) => service.abort(id, bodyOf(req), credentials),
    );
    res.json({ campaign } satisfies CampaignResponse);
  });

  return router;
}
