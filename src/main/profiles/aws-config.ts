import { CONFIG_PREFIX_SEPARATOR, loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { AwsConfigProfile } from '../../shared/contract';

/** Lists the named profiles of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE etc. honoured). */
export async function listAwsProfiles(): Promise<AwsConfigProfile[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  // the loader also returns [sso-session x] and [services x] sections, keyed "sso-session.x"
  const sections = ['sso-session', 'services'].map((s) => `${s}${CONFIG_PREFIX_SEPARATOR}`);
  const isProfile = (n: string) => !sections.some((s) => n.startsWith(s));
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(isProfile));
  return [...names].sort().map((name) => {
    const c = configFile[name] ?? {};
    const inConfig = name in configFile;
    const inCreds = name in credentialsFile;
    return {
      name,
      source: inConfig && inCreds ? 'both' : inConfig ? 'config' : 'credentials',
      sso: Boolean(c.sso_start_url || c.sso_session || c.sso_account_id),
      ...(c.region ? { region: c.region } : {}),
      ...(c.role_arn ? { roleArn: c.role_arn } : {}),
    };
  });
}
