import { describe, expect, it } from 'vitest';
import { awsRegionFromEnv } from './aws-env';

describe('awsRegionFromEnv', () => {
  it('takes AWS_REGION first, then AWS_DEFAULT_REGION', () => {
    expect(awsRegionFromEnv({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' })).toBe('eu-west-1');
    expect(awsRegionFromEnv({ AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(awsRegionFromEnv({})).toBeUndefined();
  });

  it('treats a blank value as unset and trims', () => {
    expect(awsRegionFromEnv({ AWS_REGION: '', AWS_DEFAULT_REGION: ' ap-south-1 ' })).toBe('ap-south-1');
    expect(awsRegionFromEnv({ AWS_REGION: '  ', AWS_DEFAULT_REGION: '' })).toBeUndefined();
  });
});
