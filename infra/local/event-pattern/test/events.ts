type JsonRecord = Record<string, unknown>;

/**
 * An event shaped like the EC2 example of "Amazon EventBridge event patterns", with the given
 * detail and envelope fields replaced.
 *
 * @example ec2Event({ state: 'running' })
 */
function ec2Event(detail: JsonRecord = {}, envelope: JsonRecord = {}): JsonRecord {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', ...detail },
    ...envelope,
  };
}

/**
 * A pattern on one field of the detail.
 *
 * @example onDetail('state', [{ prefix: 'run' }]) // { detail: { state: [{ prefix: 'run' }] } }
 */
function onDetail(field: string, values: unknown): JsonRecord {
  return { detail: { [field]: values } };
}

export { ec2Event, onDetail };
