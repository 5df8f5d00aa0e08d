/**
 * The AWS region an environment names: `AWS_REGION` (what the AWS SDK for JavaScript reads), else
 * `AWS_DEFAULT_REGION` (what the AWS CLI and boto read, so a shell set up for them works too); a
 * blank value counts as unset. Undefined when neither is set: the SDK's profile chain then decides.
 * The CLI's env and the services' parsed config both pass through here, so they cannot disagree.
 */
export function awsRegionFromEnv(env: { readonly AWS_REGION?: string | undefined; readonly AWS_DEFAULT_REGION?: string | undefined }): string | undefined {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
}
