import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listAwsProfiles } from './aws-config';
import { tempDir } from '../testing/tmp';

describe('~/.aws profiles', () => {
  const saved = { config: process.env.AWS_CONFIG_FILE, creds: process.env.AWS_SHARED_CREDENTIALS_FILE };
  before(async () => {
    const d = await tempDir('s3deck-aws-');
    await writeFile(
      join(d, 'config'),
      [
        '[default]', 'region = eu-central-1',
        '[profile dev-sso]', 'sso_session = corp', 'sso_account_id = 123456789012', 'sso_role_name = Dev', 'region = us-west-2',
        '[profile ops]', 'role_arn = arn:aws:iam::123456789012:role/Ops', 'source_profile = default',
        '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1',
      ].join('\n'),
    );
    await writeFile(join(d, 'credentials'), '[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n[ci]\naws_access_key_id = AK2\naws_secret_access_key = SK2\n');
    process.env.AWS_CONFIG_FILE = join(d, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(d, 'credentials');
  });
  after(() => {
    for (const [k, v] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.creds]] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it('lists config and credentials profiles, flags SSO, never returns keys', async () => {
    const list = await listAwsProfiles();
    assert.deepEqual(list.map((p) => p.name), ['ci', 'default', 'dev-sso', 'ops']);
    const by = Object.fromEntries(list.map((p) => [p.name, p]));
    assert.equal(by['default']?.source, 'both');
    assert.equal(by['default']?.region, 'eu-central-1');
    assert.equal(by['ci']?.source, 'credentials');
    assert.equal(by['dev-sso']?.sso, true);
    assert.equal(by['ops']?.roleArn, 'arn:aws:iam::123456789012:role/Ops');
    assert.ok(!JSON.stringify(list).includes('SK'));
  });
});
