/**
 * S3's "Object Created" event for EventBridge, as the S3 user guide shows it (a versioned
 * bucket, a PutObject), with the key as S3 writes it: form-encoded. Override what a test is
 * about; `detail.object` fields merge into the example's.
 */
function objectCreatedEvent(
  overrides: {
    readonly id?: string;
    readonly bucket?: string;
    readonly encodedKey?: string;
    readonly versionId?: string;
  } = {},
) {
  const bucket = overrides.bucket ?? 'uploads';
  return {
    version: '0',
    id: overrides.id ?? '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2026-11-20T09:15:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      'event-version': '1.0',
      bucket: { name: bucket },
      object: {
        key: overrides.encodedKey ?? 'incoming/a.txt',
        size: 120,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        'version-id': overrides.versionId ?? 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        sequencer: '00617F08299329D189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '111122223333',
      'source-ip-address': '1.2.3.4',
      reason: 'PutObject',
    },
  };
}

/** The example event with one part of it replaced or removed: for the edge's refusals. */
function objectCreatedWith(edit: (event: Record<string, unknown>) => void): unknown {
  const event = structuredClone(objectCreatedEvent()) as unknown as Record<string, unknown>;
  edit(event);
  return event;
}

export { objectCreatedEvent, objectCreatedWith };
