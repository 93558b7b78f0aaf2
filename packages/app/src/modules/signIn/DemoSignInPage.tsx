import { useState } from 'react';
import {
  Content,
  ContentHeader,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { Button, Grid, Typography } from '@material-ui/core';
import {
  chosenDemoUser,
  DEMO_AUTH_PROVIDER,
  DEMO_USER_HEADER,
  forgetPickOnSignOut,
  readDemoUsers,
  type DemoUser,
} from './demoUsers';

/**
 * The demo portal's sign-in: pick one of the demo users (an admin, a dataset owner,
 * a consumer owner, an outsider) and see what they may do. For local demos only:
 * there is no password. Without `demo.enabled` it is the usual guest sign-in.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const users = readDemoUsers(config);
  // Each pick is a new attempt, so picking the same user again after a failure retries.
  const [pick, setPick] = useState<{ name: string; attempt: number }>();
  const choose = (name: string) =>
    setPick(previous => ({ name, attempt: (previous?.attempt ?? 0) + 1 }));

  if (users.length === 0) {
    return <SignInPage {...props} providers={['guest']} />;
  }
  const name =
    pick?.name ?? users.find(u => u.name === chosenDemoUser.get())?.name;
  if (!name) return <DemoUserList users={users} onPick={choose} />;
  return (
    <ProxiedSignInPage
      key={`${name}-${pick?.attempt ?? 0}`}
      provider={DEMO_AUTH_PROVIDER}
      headers={{ [DEMO_USER_HEADER]: name }}
      onSignInSuccess={identity => {
        chosenDemoUser.set(name);
        props.onSignInSuccess(forgetPickOnSignOut(identity));
      }}
      ErrorComponent={({ error }) => {
        chosenDemoUser.forget();
        return <DemoUserList users={users} failure={error} onPick={choose} />;
      }}
    />
  );
}

/** The auth backend's own words (a ResponseError's cause), not just "403". */
function reasonOf(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function DemoUserList(props: {
  users: DemoUser[];
  failure?: Error;
  onPick: (name: string) => void;
}) {
  const { users, failure, onPick } = props;
  return (
    <Page themeId="home">
      <Header title="Dataset Migrations demo" subtitle="Sign in as…" />
      <Content>
        <ContentHeader title="Pick a demo user" />
        <Typography paragraph>
          Each demo user belongs to a team in the demo catalog; the team decides
          what they may do. Sign out (Settings → ⋮ → Sign out) to pick another.
          No password: this page is for local demos only.
        </Typography>
        {failure && (
          <ErrorPanel
            title={`Sign-in failed: ${reasonOf(failure)}`}
            error={failure}
          />
        )}
        <Grid container spacing={3}>
          {users.map(user => (
            <Grid item xs={12} sm={6} md={3} key={user.name}>
              <InfoCard title={user.role} subheader={user.name}>
                <Typography paragraph>{user.description}</Typography>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => onPick(user.name)}
                >
                  Sign in as {user.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
